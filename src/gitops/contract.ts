/**
 * What GitOps keeps in the store: its records are the store's own, and the
 * controller needs only these four repositories.
 */
import type { Store } from '../store/index.ts';

export type {
  ApplicationSyncStatus as SyncStatus,
  ApplicationHealth as AppHealthStatus,
  SyncOperationStatus,
  ClusterRecord,
  ApplicationSource,
  ApplicationDestination,
  SyncPolicy,
  ApplicationRecord,
  ApplicationStatusRecord,
  SyncRecord,
  ClusterInput,
  ApplicationInput,
  ApplicationPatch,
  SyncInput,
  SyncPatch,
  HeldLock,
} from '../store/index.ts';

export type GitopsStore = Pick<Store, 'clusters' | 'applications' | 'applicationStatus' | 'syncs' | 'locks' | 'signals'>;
