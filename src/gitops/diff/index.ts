export { diffObjects, syncStatusOf, outOfSync } from './diff-objects.ts';
export type { AppDiff, ResourceDiff, DiffState, DiffOptions } from './diff-objects.ts';
export type { IgnoreRule } from './ignore.ts';
export { objectKey } from './key.ts';
export { parseQuantity, sameQuantity } from './quantity.ts';
export { unifiedDiff } from './text-diff.ts';
export { stripServerFields } from './strip.ts';
