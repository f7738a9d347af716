const cache = new Map<string, string>();

/**
 * The statement with its `?` placeholders numbered as Postgres wants them
 * (`$1`, `$2`, …). Question marks inside quoted literals or identifiers are
 * left alone. Statements come from code, so the cache stays small.
 */
export function positional(sql: string): string {
  let converted = cache.get(sql);
  if (converted === undefined) {
    converted = convert(sql);
    cache.set(sql, converted);
  }
  return converted;
}

function convert(sql: string): string {
  let out = '';
  let index = 0;
  let quote: string | undefined;
  for (const char of sql) {
    if (quote) {
      if (char === quote) quote = undefined;
      out += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      out += char;
    } else if (char === '?') {
      index += 1;
      out += `$${index}`;
    } else {
      out += char;
    }
  }
  return out;
}
