/** What a secret value is replaced with in logs. */
export const MASK = '********';

/**
 * Like Drone's replacer: parts shorter than this are not masked, because
 * masking every `a` or `1` would make logs unreadable and reveal little.
 */
const MIN_SECRET_LENGTH = 2;

/**
 * Returns a function that replaces every secret value in a line with
 * `********`. Multi-line values are masked line by line (logs are masked a
 * line at a time), each part trimmed as Drone does.
 */
export function createMasker(values: Iterable<string>): (line: string) => string {
  const parts = new Set<string>();
  for (const value of values) {
    for (const part of value.split(/\r?\n/)) {
      const trimmed = part.trim();
      if (trimmed.length >= MIN_SECRET_LENGTH) parts.add(trimmed);
    }
  }
  if (parts.size === 0) return (line) => line;
  // Longest first, so a secret containing another one is masked whole.
  const alternatives = [...parts].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(alternatives.join('|'), 'g');
  return (line) => line.replace(pattern, MASK);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
