/**
 * The part of the store the GitOps controller uses. gitops may not import
 * the store module (see .dependency-cruiser.cjs), so it states what it
 * needs here; the server passes its `Store`, which satisfies these shapes.
 */

export type SyncStatus = 'Synced' | 'OutOfSync' | 'Unknown';
export type AppHealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
export type SyncOperationStatus = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Terminated';

export interface ClusterRecord {
  id: string;
  name: string;
  server: string;
  inCluster: boolean;
  hasKubeconfig: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface ApplicationSource {
  repoUrl: string;
  path: string;
  revision: string;
}

export interface ApplicationDestination {
  clusterId: string;
  namespace: string;
}

export interface SyncPolicy {
  automated: boolean;
  prune: boolean;
  selfHeal: boolean;
}

export interface ApplicationRecord {
  id: string;
  name: string;
  source: ApplicationSource;
  destination: ApplicationDestination;
  syncPolicy: SyncPolicy;
  environment?: string;
  service?: string;
  ignoreDifferences: unknown[];
  createdAt: number;
  updatedAt: number;
}

export interface ApplicationStatusRecord {
  appId: string;
  syncStatus: SyncStatus;
  health: AppHealthStatus;
  revision?: string;
  observedAt: number;
  message?: string;
  resources: unknown;
  updatedAt: number;
}

export interface SyncRecord {
  id: string;
  appId: string;
  number: number;
  revision: string;
  status: SyncOperationStatus;
  phase: string;
  state: unknown;
  dryRun: boolean;
  prune: boolean;
  force: boolean;
  triggeredBy: string;
  reason?: string;
  objectsChanged: unknown[];
  message?: string;
  owner?: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  updatedAt: number;
}

export interface ClusterInput {
  name: string;
  kubeconfig?: string;
  inCluster?: boolean;
}

export interface ApplicationInput {
  name: string;
  source: ApplicationSource;
  destination: ApplicationDestination;
  syncPolicy?: Partial<SyncPolicy>;
  environment?: string;
  service?: string;
  ignoreDifferences?: unknown[];
}

export interface ApplicationPatch {
  source?: Partial<ApplicationSource>;
  destination?: Partial<ApplicationDestination>;
  syncPolicy?: Partial<SyncPolicy>;
  environment?: string | null;
  service?: string | null;
  ignoreDifferences?: unknown[];
}

export interface SyncInput {
  revision: string;
  status?: SyncOperationStatus;
  phase?: string;
  state?: unknown;
  dryRun?: boolean;
  prune?: boolean;
  force?: boolean;
  triggeredBy: string;
  reason?: string;
  objectsChanged?: unknown[];
  message?: string;
  owner?: string;
}

export interface SyncPatch {
  status?: SyncOperationStatus;
  revision?: string;
  phase?: string;
  state?: unknown;
  objectsChanged?: unknown[];
  message?: string | null;
  owner?: string | null;
  startedAt?: number | null;
  finishedAt?: number | null;
}

export interface GitopsStore {
  readonly clusters: {
    create(input: ClusterInput): Promise<ClusterRecord>;
    get(id: string): Promise<ClusterRecord>;
    findByName(name: string): Promise<ClusterRecord | undefined>;
    list(): Promise<ClusterRecord[]>;
    update(id: string, patch: Partial<ClusterInput>): Promise<ClusterRecord>;
    delete(id: string): Promise<void>;
    revealKubeconfig(id: string): Promise<string | undefined>;
  };
  readonly applications: {
    create(input: ApplicationInput): Promise<ApplicationRecord>;
    get(id: string): Promise<ApplicationRecord>;
    findByName(name: string): Promise<ApplicationRecord | undefined>;
    list(query?: { clusterId?: string }): Promise<ApplicationRecord[]>;
    update(id: string, patch: ApplicationPatch): Promise<ApplicationRecord>;
    delete(id: string): Promise<void>;
  };
  readonly applicationStatus: {
    set(
      appId: string,
      input: { syncStatus: SyncStatus; health: AppHealthStatus; revision?: string; observedAt?: number; message?: string; resources: unknown },
    ): Promise<ApplicationStatusRecord>;
    get(appId: string): Promise<ApplicationStatusRecord | undefined>;
  };
  readonly syncs: {
    create(appId: string, input: SyncInput): Promise<SyncRecord>;
    get(id: string): Promise<SyncRecord>;
    listByApp(appId: string, options?: { limit?: number; before?: number }): Promise<SyncRecord[]>;
    latest(appId: string): Promise<SyncRecord | undefined>;
    update(id: string, patch: SyncPatch, guard?: { ifStatus?: readonly SyncOperationStatus[] }): Promise<SyncRecord>;
    listByStatus(statuses: readonly SyncOperationStatus[]): Promise<SyncRecord[]>;
  };
}
