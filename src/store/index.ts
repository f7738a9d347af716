/**
 * Durable state: one small repository per aggregate behind the `Store`
 * interface, written once in SQL (`sql/`) over two engines: embedded SQLite
 * (`openStore({ path })`, the default) and Postgres (`openStore({ url })`),
 * which several server processes may share.
 */
export { openStore } from './open.ts';
export type { OpenStoreOptions } from './open.ts';
export type * from './types.ts';
export type * from './records.ts';
/** The allowed values, for schemas at the API boundary. */
export {
  applicationHealthStatuses,
  applicationSyncStatuses,
  artifactKinds,
  commitStatusStates,
  previewRemovalReasons,
  previewStatuses,
  repoProviders,
  syncOperationStatuses,
} from './records.ts';
