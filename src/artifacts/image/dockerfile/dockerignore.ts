import { posix } from 'node:path';
import picomatch from 'picomatch';

export interface IgnoreMatcher {
  /** `true` when a context-relative path (posix) is excluded. */
  excludes(relativePath: string): boolean;
  /** With `!` exceptions an excluded folder may still hold included files, so it must be walked. */
  hasExceptions: boolean;
}

/**
 * `.dockerignore` as Docker reads it: one pattern a line, `#` comments,
 * leading and trailing slashes dropped, `**` across folders, `!` exceptions,
 * the last matching line deciding; a pattern matching a folder excludes
 * everything inside it.
 */
export function dockerignore(text: string): IgnoreMatcher {
  const rules: { negate: boolean; match: (path: string) => boolean }[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    const pattern = posix.normalize(line.replace(/^\/+/, '')).replace(/\/+$/, '');
    if (!pattern || pattern === '.') continue;
    rules.push({ negate, match: picomatch(pattern, { dot: true, noextglob: true, nobrace: true }) });
  }
  const excludes = (relativePath: string): boolean => {
    const parts = relativePath.split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) {
      if (candidates.some((candidate) => rule.match(candidate))) excluded = !rule.negate;
    }
    return excluded;
  };
  return { excludes, hasExceptions: rules.some((r) => r.negate) };
}
