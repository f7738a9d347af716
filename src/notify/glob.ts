/**
 * Environment patterns: `*` matches any run of characters, `?` one
 * character, everything else itself (`preview-*`, `prod-??`, `staging`).
 */
export function globMatches(pattern: string, value: string): boolean {
  return compile(pattern).test(value);
}

const cache = new Map<string, RegExp>();

function compile(pattern: string): RegExp {
  let regex = cache.get(pattern);
  if (!regex) {
    const body = [...pattern]
      .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${body}$`, 's');
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, regex);
  }
  return regex;
}
