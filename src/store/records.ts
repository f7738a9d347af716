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
