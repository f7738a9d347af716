export { GitHost } from './git-host.ts';
export type { GitHttpCall, GitService } from './git-host.ts';
export { refUpdateEvents, parseRefUpdates } from './ref-updates.ts';
export type { RefUpdate } from './ref-updates.ts';
