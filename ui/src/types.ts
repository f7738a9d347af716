/** Shapes of the API's answers the UI reads (see src/store/records.ts and the environments contract). */

import type { ApplicationRecord, ApplicationStatusRecord, BuildRecord, RepoRecord, StageRecord, StepRecord } from '../../src/store/records.ts';

/** The API's records as JSON answers carry them (types only: the UI shares no code with the server). */
export type { BuildStatus, StepStatus, LogLine, SyncRecord, SecretRecord, TokenRecord, ClusterRecord, UserRecord } from '../../src/store/records.ts';

export type Build = BuildRecord;
export type Step = StepRecord;
export type Stage = StageRecord & { steps: StepRecord[] };
export type Repo = RepoRecord & { httpUrl?: string };

export interface BuildDetail {
  build: Build;
  stages: Stage[];
}

export const finished = (status: string) => ['success', 'failure', 'error', 'killed', 'skipped'].includes(status);

// ── environments contract ───────────────────────────────────────────────

export interface Version {
  imageTag: string | null;
  imageDigest: string | null;
  chartVersion: string | null;
}

export interface Approval {
  login: string;
  comment: string;
  at: string;
}

export interface MatrixCell {
  application: string;
  version: Version | null;
  sync: 'Synced' | 'OutOfSync' | 'Unknown';
  health: string;
  lastDeployment: { by: string; at: string; revision: string } | null;
  pending: { imageTag: string | null; approvals: Approval[]; required: number; awaitingApproval: boolean } | null;
}

export interface Matrix {
  environments: string[];
  services: { service: string; cells: Record<string, MatrixCell | null> }[];
}

export interface EnvironmentView {
  name: string;
  kind: 'preview' | 'test' | 'staging' | 'production';
  cluster: string | null;
  clusterConnected: boolean;
  message: string | null;
  namespace: string;
  sync: 'auto' | 'manual' | 'pipeline';
  /** The least role that may change this environment. */
  syncRole: 'viewer' | 'developer' | 'release-manager' | 'admin';
  approvals: { required: number; roles: ('viewer' | 'developer' | 'release-manager' | 'admin')[]; fourEyes: boolean };
  windows: { kind: 'allow' | 'deny'; schedule: string; duration: string; timeZone?: string }[];
  ingressHost: string | null;
}

export interface ReleaseRecord {
  id: string;
  service: string;
  environment: string;
  kind: 'deploy' | 'rollback';
  version: Version;
  commits: { sha: string; message: string; author: string; committedAt: string }[];
  build: { repo: string; number: number; url: string } | null;
  approvers: Approval[];
  deployedBy: string;
  deployedAt: string;
  configRevision: string;
  rollbackTarget: { releaseId: string; configRevision: string } | null;
  healthy: boolean;
}

export interface Preview {
  name: string;
  repo: string;
  branch: string;
  service: string;
  environment: string;
  namespace: string;
  url: string | null;
  createdAt: string;
  lastPushAt: string;
  expiresAt: string | null;
  status: string;
  message: string | null;
}

// ── applications (GitOps) ───────────────────────────────────────────────

export interface ResourceStatus {
  key: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  state: string;
  health?: string;
  healthMessage?: string;
  diff?: string;
}

/** An application as `GET /api/applications` answers: with its cluster's name and last observed status. */
export type Application = ApplicationRecord & { cluster: string; status?: Omit<ApplicationStatusRecord, 'resources'> };

export interface ApplicationDetail extends Application {
  resources: ResourceStatus[];
}
