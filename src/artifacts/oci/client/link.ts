/**
 * The `rel="next"` target of an RFC 8288 `Link` header, resolved against
 * the URL of the response that carried it (registries send relative links).
 */
export function nextLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/s.exec(part);
    if (!match) continue;
    const rels = /(?:^|;)\s*rel\s*=\s*"?([^";]*)"?/i.exec(match[2]!);
    if (rels && rels[1]!.split(/\s+/).includes('next')) return new URL(match[1]!, base).toString();
  }
  return undefined;
}
