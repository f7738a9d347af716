/**
 * Records kept by the store. Timestamps are integer milliseconds since the
 * epoch; optional fields are `undefined` when absent (never `null`).
 */

export type Visibility = 'public' | 'internal' | 'private';

/** Where a repository is hosted; `git` is a plain remote URL without a host API. */
export const repoProviders = ['builtin', 'gitea', 'github', 'gitlab', 'git'] as const;
export type RepoProvider = (typeof repoProviders)[number];

export interface RepoRecord {
  id: string;
  namespace: string;
  name: string;
  /** `namespace/name`. */
  slug: string;
  cloneUrl: string;
  defaultBranch: string;
  visibility: Visibility;
  /** Path of the pipeline file inside the repository. */
  configPath: string;
  timeoutMinutes: number;
  /** Trusted repositories may run privileged steps. */
  trusted: boolean;
  provider: RepoProvider;
  /** Base URL of the host's API (commit statuses), when it has one. */
  apiUrl?: string;
  /** Whether webhook deliveries are verified with a shared secret (the value is only revealed on request). */
  hasWebhookSecret: boolean;
  /** Whether the host is reached with stored credentials (the values are only revealed on request). */
  hasCredentials: boolean;
  createdAt: number;
  updatedAt: number;
}

export type BuildStatus = 'pending' | 'running' | 'success' | 'failure' | 'error' | 'killed' | 'skipped';

/** Drone's build events. */
export type BuildEvent = 'push' | 'pull_request' | 'tag' | 'promote' | 'rollback' | 'cron' | 'custom' | 'create' | 'delete';

export interface BuildRecord {
  id: string;
  repoId: string;
  /** Per-repository number, strictly increasing, never reused. */
  number: number;
  status: BuildStatus;
  event: BuildEvent;
  /** Sub-action of the event (`opened`, `synchronized`, `closed`…), '' when none. */
  action: string;
  ref: string;
  branch: string;
  sourceBranch: string;
  targetBranch: string;
  commitSha: string;
  beforeSha: string;
  message: string;
  authorName: string;
  authorEmail: string;
  authorLogin: string;
  authorAvatar: string;
  tag?: string;
  pullRequest?: number;
  /** Target environment of a promote or rollback. */
  deployTo?: string;
  /** Who or what started the build (a login, `@hook`, `@cron`). */
  trigger: string;
  params: Record<string, string>;
  /** Number of the build this one restarts. */
  parentNumber?: number;
  /** Why the build errored or was killed. */
  error?: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  updatedAt: number;
}

export type StageStatus = 'pending' | 'waiting' | 'running' | 'success' | 'failure' | 'error' | 'killed' | 'skipped';
export type StepStatus = StageStatus;

/** One pipeline of a build. */
export interface StageRecord {
  id: string;
  buildId: string;
  /** 1..n within the build. */
  number: number;
  name: string;
  /** Pipeline type (`docker`, `exec`, `kubernetes`…). */
  type: string;
  status: StageStatus;
  /** Names of the stages this one waits for. */
  dependsOn: string[];
  /** The compiled pipeline, kept as opaque JSON. */
  plan: unknown;
  labels: Record<string, string>;
  concurrencyLimit?: number;
  error?: string;
  exitCode?: number;
  /** Name of the runner that runs or ran the stage. */
  machine?: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  updatedAt: number;
}

export interface StepRecord {
  id: string;
  stageId: string;
  /** 1..n within the stage. */
  number: number;
  name: string;
  status: StepStatus;
  exitCode?: number;
  error?: string;
  /** A detached step runs in the background and does not block the stage. */
  detached: boolean;
  /** The step failed but `failure: ignore` let the stage go on. */
  errorIgnored: boolean;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  updatedAt: number;
}

export interface LogLine {
  /** 0-based line index within the step. */
  pos: number;
  /** Milliseconds since the epoch, or since the step started: the writer decides. */
  time: number;
  out: string;
}

/** A secret's metadata; its value is only ever returned by `reveal`. */
export interface SecretRecord {
  repoId: string;
  name: string;
  /** Whether pull requests (possibly from forks) may read the secret. */
  allowPullRequest: boolean;
  createdAt: number;
  updatedAt: number;
}

export const commitStatusStates = ['pending', 'running', 'success', 'failure', 'error'] as const;
export type CommitStatusState = (typeof commitStatusStates)[number];

/** The latest status of one check (`context`) on one commit of a repository. */
export interface CommitStatusRecord {
  repoId: string;
  sha: string;
  /** Names the check, e.g. `trunkline/push`; one status per context and commit. */
  context: string;
  state: CommitStatusState;
  description: string;
  targetUrl?: string;
  createdAt: number;
  updatedAt: number;
}

export type Role = 'viewer' | 'developer' | 'release-manager' | 'admin';

export interface UserRecord {
  id: string;
  /** Unique, compared case-insensitively. */
  login: string;
  name: string;
  email: string;
  role: Role;
  createdAt: number;
  updatedAt: number;
}

export interface TokenRecord {
  id: string;
  userId: string;
  name: string;
  createdAt: number;
  lastUsedAt?: number;
  expiresAt?: number;
}

export type JobStatus = 'queued' | 'leased' | 'done' | 'failed';

/** A remote runner (`trunkline runner`): its token is stored hashed only. */
export interface RunnerRecord {
  id: string;
  name: string;
  /** Labels it offered when it last asked for work. */
  labels: Record<string, string>;
  createdAt: number;
  lastSeenAt?: number;
  version?: string;
}

export interface JobRecord {
  id: string;
  kind: string;
  payload: unknown;
  status: JobStatus;
  /** Jobs sharing a key count against each other's `concurrencyLimit`. */
  concurrencyKey?: string;
  /** At most this many jobs of `concurrencyKey` are leased at once. */
  concurrencyLimit?: number;
  labels: Record<string, string>;
  /** How many times the job was leased. */
  attempts: number;
  /** Owner of the current lease, or of the last one once it ended. */
  leaseOwner?: string;
  /** Set while leased. */
  leaseExpiresAt?: number;
  error?: string;
  createdAt: number;
  /** The job is not claimed before this time. */
  availableAt: number;
  updatedAt: number;
}

export const artifactKinds = ['image', 'chart'] as const;
export type ArtifactKind = (typeof artifactKinds)[number];

/** An image or chart a build pushed to a registry. */
export interface ArtifactRecord {
  id: string;
  buildId: string;
  kind: ArtifactKind;
  /** Where it was pushed, without tag or digest: `registry/repository`. */
  reference: string;
  /** Digest of the manifest (`sha256:…`): the artifact's identity. */
  digest: string;
  tags: string[];
  /** Media type of the manifest. */
  mediaType: string;
  /** Size in bytes of the manifest's content (config and layers). */
  size: number;
  createdAt: number;
  updatedAt: number;
}

/** A vulnerability gate's decision on one manifest digest. */
export interface VerdictRecord {
  id: string;
  digest: string;
  passed: boolean;
  /** The readable account of what blocked and what was allowed. */
  summary: string;
  /** Findings by severity (`critical`, `high`…). */
  counts: Record<string, number>;
  /** The policy applied, as its file's text. */
  policy: string;
  /** `sha256:` of `policy`, to group verdicts made under the same policy. */
  policyHash: string;
  /** Digest of the scanner report the verdict was made from, when kept. */
  reportDigest?: string;
  createdAt: number;
}

/** A Kubernetes cluster that applications deploy to. */
export interface ClusterRecord {
  id: string;
  /** Unique, a DNS label (lower-case letters, digits and `-`). */
  name: string;
  /** API server URL, for display: read from the kubeconfig, or the in-cluster service address. */
  server: string;
  /** Reached with the service account of the pod Trunkline runs in. */
  inCluster: boolean;
  /** Whether a kubeconfig is stored (encrypted; the text is only revealed on request). */
  hasKubeconfig: boolean;
  createdAt: number;
  updatedAt: number;
}

/** Where an application's desired manifests come from. */
export interface ApplicationSource {
  /** Clone URL, local path, or a built-in repository's `namespace/name`. */
  repoUrl: string;
  /** Folder inside the repository ('' for its root). */
  path: string;
  /** Branch, tag or commit sha. */
  revision: string;
}

export interface ApplicationDestination {
  clusterId: string;
  namespace: string;
}

export interface SyncPolicy {
  /** Sync on every change of the source; otherwise only on request. */
  automated: boolean;
  /** Delete tracked objects that left the source. */
  prune: boolean;
  /** Revert drift made in the cluster. */
  selfHeal: boolean;
  /** Take fields another field manager owns (server-side apply `force`) on every sync; otherwise conflicts fail the sync. */
  force: boolean;
}

/** Binds a source in a config repository to a namespace of a cluster. */
export interface ApplicationRecord {
  id: string;
  /** Unique, a DNS label; fixed at creation, since managed objects are tracked by it. */
  name: string;
  source: ApplicationSource;
  destination: ApplicationDestination;
  syncPolicy: SyncPolicy;
  /** The environment (preview, test, staging, production…) it deploys, when it belongs to one. */
  environment?: string;
  /** The service it deploys, when it deploys one. */
  service?: string;
  /** What generated it (e.g. `environments`): only that generator changes or deletes it. */
  managedBy?: string;
  /** Diff ignore rules, kept as opaque JSON. */
  ignoreDifferences: unknown[];
  createdAt: number;
  updatedAt: number;
}

export const applicationSyncStatuses = ['Synced', 'OutOfSync', 'Unknown'] as const;
/** Whether the live objects match the source. */
export type ApplicationSyncStatus = (typeof applicationSyncStatuses)[number];

export const applicationHealthStatuses = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'] as const;
export type ApplicationHealth = (typeof applicationHealthStatuses)[number];

/** The latest observed state of an application, rewritten by each reconcile. */
export interface ApplicationStatusRecord {
  appId: string;
  syncStatus: ApplicationSyncStatus;
  health: ApplicationHealth;
  /** The config commit last synced. */
  revision?: string;
  /** When the controller observed this state. */
  observedAt: number;
  message?: string;
  /** Per-object summary, kept as opaque JSON. */
  resources: unknown;
  updatedAt: number;
}

export const syncOperationStatuses = ['Pending', 'Running', 'Succeeded', 'Failed', 'Terminated'] as const;
/** Where one sync operation is in its life. */
export type SyncOperationStatus = (typeof syncOperationStatuses)[number];

/** One sync of an application: its history entry and the state of its resumable state machine. */
export interface SyncRecord {
  id: string;
  appId: string;
  /** Per-application number, strictly increasing, never reused. */
  number: number;
  /** The config commit being (or that was) applied. */
  revision: string;
  status: SyncOperationStatus;
  /** The state machine's current step, e.g. `prune` or `wait-health`. */
  phase: string;
  /** Where the state machine is, as opaque JSON, so that another controller can resume it. */
  state: unknown;
  dryRun: boolean;
  prune: boolean;
  /** Take over fields owned by other field managers. */
  force: boolean;
  /** Who or what started the sync (a login, `@auto`, `@self-heal`, `@rollback`). */
  triggeredBy: string;
  reason?: string;
  /** Objects applied, pruned or found different, as opaque JSON. */
  objectsChanged: unknown[];
  message?: string;
  /** The controller instance that runs it. */
  owner?: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  updatedAt: number;
}

/** Where notifications go; secret settings are never part of the record. */
export interface NotificationTargetRecord {
  id: string;
  name: string;
  /** The target definition (`generic`, `slack`, `telegram`), validated by the notify module. */
  kind: string;
  /** Event kinds sent; `undefined`: the default set. */
  events?: string[];
  /** Environment glob patterns; `undefined`: every environment. */
  environments?: string[];
  /** Settings that are not secret. */
  settings: Record<string, unknown>;
  /** Names of the secret settings that are set (their values are write-only). */
  secretFields: string[];
  createdAt: number;
  updatedAt: number;
}

export type NotificationDeliveryStatus = 'queued' | 'retrying' | 'delivered' | 'failed';

/** One notification to one target, updated after each attempt. */
export interface NotificationDeliveryRecord {
  id: string;
  target: string;
  eventId: string;
  eventKind: string;
  status: NotificationDeliveryStatus;
  attempts: number;
  /** HTTP status of the last answer, if any came. */
  responseStatus?: number;
  lastError?: string;
  createdAt: number;
  updatedAt: number;
}

/** What an audit entry is about: `{ kind: 'build', id: 'acme/api#12' }`. */
export interface AuditTarget {
  kind: string;
  id: string;
}

/** One entry of the hash-chained audit log, as stored. */
export interface AuditRecord {
  /** Position in the chain, 1, 2, 3… without gaps. */
  seq: number;
  at: number;
  /** A login, `system`, or `anonymous` for an unauthenticated caller. */
  actor: string;
  /** Dotted verb, e.g. `build.trigger`, `sync.start`, `access.denied`. */
  action: string;
  target: AuditTarget;
  environment?: string;
  /** E.g. `success`, `denied`, `failure`. */
  outcome: string;
  /** Canonical JSON text of the entry's details, exactly as hashed. */
  details: string;
  /** `hash` of the previous entry (the chain's anchor for the first one). */
  prevHash: string;
  hash: string;
}

/** The chain's ends: what `verify` starts from and must arrive at. */
export interface AuditChainState {
  /** Seq and hash of the newest entry (0 and the anchor hash when empty). */
  headSeq: number;
  headHash: string;
  /** First seq still stored (entries before it were pruned) and the `prevHash` it must carry. */
  anchorSeq: number;
  anchorHash: string;
  /** Entries removed by retention so far, and the cutoff of the latest pruning. */
  prunedCount: number;
  prunedBefore?: number;
}

// ── previews ─────────────────────────────────────────────────────────────

export const previewStatuses = ['creating', 'ready', 'failed', 'removing', 'removed'] as const;
/** `creating` until the first release is Synced and Healthy; `removing` while torn down; `removed` is history. */
export type PreviewStatus = (typeof previewStatuses)[number];

export const previewRemovalReasons = ['branch-deleted', 'ttl', 'manual'] as const;
export type PreviewRemovalReason = (typeof previewRemovalReasons)[number];

/** A preview environment of one branch: a namespace (or a provisioned cluster) with the branch's services in it. */
export interface PreviewRecord {
  id: string;
  /** The environment's name in the config repository and the key of the preview (e.g. `preview-feature-x`). */
  name: string;
  /** The preview environment of `environments.yaml` it was made from. */
  environment: string;
  /** `namespace/name` of the repository whose branch it follows. */
  repo: string;
  branch: string;
  /** The first service released into it (or, before any release, the repository's name). */
  service: string;
  /** Every service released into it. */
  services: string[];
  /** Registered cluster its applications deploy to. */
  cluster?: string;
  namespace: string;
  /** Trunkline created the namespace (and may delete it). */
  createdNamespace: boolean;
  /** A cluster Trunkline registered from the provisioner's kubeconfig (deleted with the preview). */
  createdCluster?: string;
  /** The provisioner command used, when not the built-in namespace. */
  provisioner?: string;
  url?: string;
  /** The last image tag released into it. */
  imageTag?: string;
  status: PreviewStatus;
  message?: string;
  removalReason?: PreviewRemovalReason;
  createdAt: number;
  lastPushAt: number;
  updatedAt: number;
  removedAt?: number;
}

// ── environments: approvals and release records ─────────────────────────

/** One person's approval of a pending version of a service in an environment. */
export interface ApprovalRecord {
  id: string;
  environment: string;
  service: string;
  /** The pending image tag approved. */
  version: string;
  login: string;
  /** The approver's role when approving. */
  role: Role;
  comment: string;
  createdAt: number;
}

export interface ReleaseVersion {
  imageTag: string | null;
  imageDigest: string | null;
  chartVersion: string | null;
}

export interface ReleaseCommit {
  sha: string;
  message: string;
  author: string;
  /** Unix milliseconds. */
  committedAt: number;
}

/** A deployment (or rollback) of a service to an environment, kept for audit, rollback and delivery metrics. */
export interface ReleaseRecord {
  id: string;
  service: string;
  environment: string;
  kind: 'deploy' | 'rollback';
  version: ReleaseVersion;
  /** Source commits since the previous release, newest first. */
  commits: ReleaseCommit[];
  build: { repo: string; number: number; url: string } | null;
  approvers: { login: string; comment: string; at: number }[];
  deployedBy: string;
  deployedAt: number;
  /** The config repository commit deployed. */
  configRevision: string;
  /** The release before this one: where a rollback goes. */
  rollbackTarget: { releaseId: string; configRevision: string } | null;
  healthy: boolean;
  /** The sync that made it, when one did. */
  syncId: string | null;
}
