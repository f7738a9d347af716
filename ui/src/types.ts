/** Shapes of the API's answers the UI reads (see src/store/records.ts and the environments contract). */

export type BuildStatus = 'pending' | 'running' | 'success' | 'failure' | 'error' | 'killed' | 'skipped';
export type StepStatus = BuildStatus | 'waiting';

export interface Repo {
  id: string;
  slug: string;
  namespace: string;
  name: string;
  defaultBranch: string;
  provider: string;
  cloneUrl: string;
  httpUrl?: string;
  visibility: string;
  trusted: boolean;
  configPath: string;
}

export interface Build {
  number: number;
  status: BuildStatus;
  event: string;
  branch: string;
  ref: string;
  commitSha: string;
  message: string;
  authorName: string;
  authorLogin: string;
  trigger: string;
  error?: string;
  parentNumber?: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
}

export interface Step {
  id: string;
  number: number;
  name: string;
  status: StepStatus;
  exitCode?: number;
  error?: string;
  detached: boolean;
  errorIgnored: boolean;
  startedAt?: number;
  finishedAt?: number;
}

export interface Stage {
  id: string;
  number: number;
  name: string;
  type: string;
  status: StepStatus;
  dependsOn: string[];
  plan: unknown;
  error?: string;
  machine?: string;
  startedAt?: number;
  finishedAt?: number;
  steps: Step[];
}

export interface BuildDetail {
  build: Build;
  stages: Stage[];
}

export interface LogLine {
  pos: number;
  time: number;
  out: string;
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
  namespace: string;
  sync: string;
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

export interface Application {
  id: string;
  name: string;
  cluster: string;
  source: { repoUrl: string; path: string; revision: string };
  destination: { namespace: string };
  syncPolicy: { automated?: boolean; prune?: boolean; selfHeal?: boolean };
  environment?: string;
  service?: string;
  status?: { syncStatus: string; health: string; revision?: string; observedAt: number; message?: string };
}

export interface ApplicationDetail extends Application {
  resources: ResourceStatus[];
}

export interface SyncRecord {
  id: string;
  number: number;
  revision: string;
  status: string;
  phase: string;
  dryRun: boolean;
  triggeredBy: string;
  reason?: string;
  message?: string;
  createdAt: number;
  finishedAt?: number;
}
