/** One page of a sorted list, after `last`, at most `n` (the spec's `n`/`last` parameters). */
export function paginate(sorted: readonly string[], options: { n?: number; last?: string } = {}): { items: string[]; more: boolean } {
  const after = options.last === undefined ? sorted : sorted.filter((item) => item > options.last!);
  if (options.n === undefined) return { items: [...after], more: false };
  return { items: after.slice(0, options.n), more: options.n > 0 && after.length > options.n };
}
