/**
 * Durable state: one small repository per aggregate behind the `Store`
 * interface. `openStore` gives the embedded SQLite implementation; every
 * method is async so that another engine can implement the same contract.
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
