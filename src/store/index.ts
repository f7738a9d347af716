export { openStore } from './sqlite/open.ts';
export type { OpenStoreOptions } from './sqlite/open.ts';
export type * from './types.ts';
export type * from './records.ts';
