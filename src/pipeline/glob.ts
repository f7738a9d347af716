/**
 * Glob matching for conditions. Drone matches with doublestar/filepath
 * semantics: `*` and `?` stay within one path segment, `**` crosses `/`,
 * a leading `!` is a literal and dot files are not special.
 */
import picomatch from 'picomatch';

const cache = new Map<string, (value: string) => boolean>();
const options: picomatch.PicomatchOptions = { dot: true, nonegate: true, noextglob: true, windows: false };

export function globMatch(pattern: string, value: string): boolean {
  let matcher = cache.get(pattern);
  if (!matcher) {
    try {
      matcher = picomatch(pattern, options);
    } catch {
      // An invalid pattern matches only itself, like a literal.
      matcher = (v) => v === pattern;
    }
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, matcher);
  }
  return matcher(value);
}
