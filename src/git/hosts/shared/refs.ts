/** What a full ref names. */
export type RefTarget = { type: 'branch'; name: string } | { type: 'tag'; name: string } | { type: 'other'; name: string };

export function classifyRef(ref: string): RefTarget {
  if (ref.startsWith('refs/heads/') && ref.length > 'refs/heads/'.length) return { type: 'branch', name: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/') && ref.length > 'refs/tags/'.length) return { type: 'tag', name: ref.slice('refs/tags/'.length) };
  return { type: 'other', name: ref };
}

/** The all-zero id hosts send for "no commit" (a created or deleted ref), of either hash length. */
export function isZeroSha(sha: string): boolean {
  return /^0+$/.test(sha);
}
