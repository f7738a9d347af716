export { git } from './cli.ts';
export type { GitOptions, GitOutput } from './cli.ts';
export { ZERO_SHA, resolveCommit, readCommit, readFileAt, changedFiles } from './commits.ts';
export type { CommitInfo } from './commits.ts';
export { Mirror } from './mirror.ts';
