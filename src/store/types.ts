/**
 * The store's contract. Every method is async so that a networked engine
 * (Postgres) can implement the same interfaces as the embedded SQLite one.
 */
import type {
  ApprovalRecord,
  ApplicationDestination,
  ApplicationHealth,
  ApplicationRecord,
  ApplicationSource,
  ApplicationStatusRecord,
  ApplicationSyncStatus,
  ArtifactKind,
  ArtifactRecord,
  AuditChainState,
  AuditRecord,
  BuildEvent,
  BuildRecord,
  BuildStatus,
  ClusterRecord,
  CommitStatusRecord,
  CommitStatusState,
  JobRecord,
  RunnerRecord,
  JobStatus,
  LogLine,
  NotificationDeliveryRecord,
  NotificationTargetRecord,
  RepoProvider,
  ReleaseRecord,
  RepoRecord,
  PreviewRecord,
  PreviewRemovalReason,
  PreviewStatus,
  Role,
  SecretRecord,
  StageRecord,
  StageStatus,
  StepRecord,
  StepStatus,
  SyncOperationStatus,
  SyncPolicy,
  SyncRecord,
  TokenRecord,
  UserRecord,
  VerdictRecord,
  Visibility,
} from './records.ts';

export interface Store {
  readonly repos: RepoRepository;
  readonly builds: BuildRepository;
  readonly stages: StageRepository;
  readonly steps: StepRepository;
  readonly logs: LogRepository;
  readonly secrets: SecretRepository;
  readonly users: UserRepository;
  readonly tokens: TokenRepository;
  readonly jobs: JobRepository;
  readonly runners: RunnerRepository;
  readonly deliveries: DeliveryRepository;
  readonly commitStatuses: CommitStatusRepository;
  readonly artifacts: ArtifactRepository;
  readonly verdicts: VerdictRepository;
  readonly clusters: ClusterRepository;
  readonly applications: ApplicationRepository;
  readonly applicationStatus: ApplicationStatusRepository;
  readonly syncs: SyncRepository;
  readonly approvals: ApprovalRepository;
  readonly releases: ReleaseRepository;
  readonly notificationTargets: NotificationTargetRepository;
  readonly notificationDeliveries: NotificationDeliveryRepository;
  readonly audit: AuditRepository;
  readonly previews: PreviewRepository;
  readonly locks: LockRepository;
  readonly signals: SignalRepository;
  /** Closes the connection; the store is unusable afterwards. */
  close(): Promise<void>;
}

// ── locks ────────────────────────────────────────────────────────────────

/**
 * Named locks shared by every process using the store, to elect the one
 * that runs a singleton (the GitOps controller). On Postgres a session
 * advisory lock: the database frees it when its holder's connection ends,
 * so a crashed leader hands over by itself. On SQLite, which one server
 * process uses, the lock is held within that process.
 */
export interface LockRepository {
  /** Takes `name` if no one holds it; `undefined` when another holder has it. */
  tryAcquire(name: string): Promise<HeldLock | undefined>;
}

/**
 * Fire-and-forget messages to every process using the store (Postgres
 * LISTEN/NOTIFY; within the process on SQLite), so that one server replica
 * can wake another: "work was queued", "the config repository changed".
 * Messages are not stored: a process that is down misses them and must
 * catch up from the store when it starts.
 */
export interface SignalRepository {
  /** Sends `payload` (at most 7,000 bytes) on `channel` to every subscriber, including this process's. */
  publish(channel: string, payload: string): Promise<void>;
  /** Resolves once listening; the function it resolves to stops listening. */
  subscribe(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>>;
}

export interface HeldLock {
  readonly name: string;
  /** Resolves with the reason when the lock is lost (its connection broke): stop leading at once. */
  readonly lost: Promise<Error>;
  release(): Promise<void>;
}

/** Optimistic guard for updates: fail with `ConflictError` unless the current status is one of these. */
export interface StatusGuard<S extends string> {
  ifStatus?: readonly S[];
}

// ── repos ────────────────────────────────────────────────────────────────

export interface RepoInput {
  namespace: string;
  name: string;
  cloneUrl: string;
  defaultBranch?: string;
  visibility?: Visibility;
  configPath?: string;
  timeoutMinutes?: number;
  trusted?: boolean;
  /** Default `git`. */
  provider?: RepoProvider;
  apiUrl?: string;
  /** Shared secret that signs the host's webhook deliveries (encrypted at rest). */
  webhookSecret?: string | null;
  /** Credentials for the host; `password` is usually an access token (encrypted at rest). */
  credentials?: RepoCredentials | null;
}

export interface RepoCredentials {
  username: string;
  password: string;
}

/** Fields a repository may change; `null` clears an optional one. */
export type RepoPatch = Partial<Omit<RepoInput, 'namespace' | 'name' | 'apiUrl'>> & {
  apiUrl?: string | null;
};

/** A repository's decrypted host settings; absent fields are not set. */
export interface RepoHostSecrets {
  webhookSecret?: string;
  credentials?: RepoCredentials;
}

export interface RepoRepository {
  /** `ConflictError` when `namespace/name` exists. */
  create(input: RepoInput): Promise<RepoRecord>;
  /** `NotFoundError` when absent. */
  get(id: string): Promise<RepoRecord>;
  find(namespace: string, name: string): Promise<RepoRecord | undefined>;
  /** `'namespace/name'`; `NotFoundError` when absent. */
  getBySlug(slug: string): Promise<RepoRecord>;
  /** Ordered by slug. */
  list(): Promise<RepoRecord[]>;
  update(id: string, patch: RepoPatch): Promise<RepoRecord>;
  /**
   * The decrypted webhook secret and credentials. `NotFoundError` when the
   * repository is absent, `ConfigError` when a value cannot be decrypted.
   */
  revealHostSecrets(id: string): Promise<RepoHostSecrets>;
}

// ── builds ───────────────────────────────────────────────────────────────

export interface BuildInput {
  repoId: string;
  event: BuildEvent;
  ref: string;
  branch: string;
  commitSha: string;
  status?: BuildStatus;
  action?: string;
  sourceBranch?: string;
  targetBranch?: string;
  beforeSha?: string;
  message?: string;
  authorName?: string;
  authorEmail?: string;
  authorLogin?: string;
  authorAvatar?: string;
  tag?: string;
  pullRequest?: number;
  deployTo?: string;
  trigger?: string;
  params?: Record<string, string>;
  parentNumber?: number;
}

/** Fields a build may change after creation; `null` clears an optional field. */
export interface BuildPatch {
  status?: BuildStatus;
  error?: string | null;
  startedAt?: number | null;
  finishedAt?: number | null;
  message?: string;
  params?: Record<string, string>;
}

export interface BuildListQuery {
  repoId?: string;
  branch?: string;
  /** Builds of this commit (e.g. to answer status lookups). */
  commitSha?: string;
  status?: BuildStatus | readonly BuildStatus[];
  /** At most this many (default 25). */
  limit?: number;
  /** Only builds numbered below this (paging within one repository). */
  before?: number;
}

export interface BuildRepository {
  /** Assigns the repository's next build number atomically. */
  create(input: BuildInput): Promise<BuildRecord>;
  get(id: string): Promise<BuildRecord>;
  findByNumber(repoId: string, number: number): Promise<BuildRecord | undefined>;
  /** Newest first. */
  list(query?: BuildListQuery): Promise<BuildRecord[]>;
  /**
   * Applies `patch`. A move to `running` sets `startedAt`, a move to a
   * finished status sets `finishedAt` (both to now unless given).
   */
  update(id: string, patch: BuildPatch, guard?: StatusGuard<BuildStatus>): Promise<BuildRecord>;
  /** Oldest first, across repositories (e.g. unfinished builds at start-up). */
  listByStatus(statuses: readonly BuildStatus[]): Promise<BuildRecord[]>;
}

// ── stages ───────────────────────────────────────────────────────────────

export interface StageInput {
  name: string;
  type?: string;
  status?: StageStatus;
  dependsOn?: string[];
  plan?: unknown;
  labels?: Record<string, string>;
  concurrencyLimit?: number;
}

export interface StagePatch {
  status?: StageStatus;
  error?: string | null;
  exitCode?: number | null;
  machine?: string | null;
  startedAt?: number | null;
  finishedAt?: number | null;
  plan?: unknown;
}

export interface StageRepository {
  /** Numbers the stages 1..n in the given order, in one transaction. */
  createMany(buildId: string, stages: readonly StageInput[]): Promise<StageRecord[]>;
  get(id: string): Promise<StageRecord>;
  /** Ordered by number. */
  listByBuild(buildId: string): Promise<StageRecord[]>;
  update(id: string, patch: StagePatch, guard?: StatusGuard<StageStatus>): Promise<StageRecord>;
  /** Oldest first. */
  listByStatus(statuses: readonly StageStatus[]): Promise<StageRecord[]>;
}

// ── steps ────────────────────────────────────────────────────────────────

export interface StepInput {
  name: string;
  status?: StepStatus;
  detached?: boolean;
  errorIgnored?: boolean;
}

export interface StepPatch {
  status?: StepStatus;
  exitCode?: number | null;
  error?: string | null;
  errorIgnored?: boolean;
  startedAt?: number | null;
  finishedAt?: number | null;
}

export interface StepRepository {
  /** Numbers the steps 1..n in the given order; names are unique within a stage. */
  createMany(stageId: string, steps: readonly StepInput[]): Promise<StepRecord[]>;
  get(id: string): Promise<StepRecord>;
  /** Ordered by number. */
  listByStage(stageId: string): Promise<StepRecord[]>;
  update(id: string, patch: StepPatch, guard?: StatusGuard<StepStatus>): Promise<StepRecord>;
  find(stageId: string, name: string): Promise<StepRecord | undefined>;
}

// ── logs ─────────────────────────────────────────────────────────────────

export interface LogReadOptions {
  /** First `pos` to return (default 0). */
  from?: number;
  /** At most this many lines (default: all). */
  limit?: number;
}

export interface LogRepository {
  /** Stores a batch in one transaction; a line whose `pos` is already stored is ignored. */
  append(stepId: string, lines: readonly LogLine[]): Promise<void>;
  /** Ordered by `pos`. */
  read(stepId: string, options?: LogReadOptions): Promise<LogLine[]>;
  count(stepId: string): Promise<number>;
  deleteByStep(stepId: string): Promise<void>;
}

// ── secrets ──────────────────────────────────────────────────────────────

export interface SecretOptions {
  allowPullRequest?: boolean;
}

export interface SecretRepository {
  /** Creates or replaces the secret (encrypted at rest). */
  set(repoId: string, name: string, value: string, options?: SecretOptions): Promise<SecretRecord>;
  /** Names and metadata, ordered by name; never values. */
  list(repoId: string): Promise<SecretRecord[]>;
  /**
   * Decrypted values of the named secrets that exist. `ConfigError` when a
   * value cannot be decrypted (another key, or a tampered row).
   */
  reveal(repoId: string, names: readonly string[]): Promise<Record<string, string>>;
  /** `NotFoundError` when absent. */
  delete(repoId: string, name: string): Promise<void>;
}

// ── users and tokens ─────────────────────────────────────────────────────

export interface UserInput {
  login: string;
  name?: string;
  email?: string;
  role?: Role;
}

export type UserPatch = Partial<Omit<UserInput, 'login'>>;

export interface UserRepository {
  /** `ConflictError` when the login (case-insensitive) is taken. */
  create(input: UserInput): Promise<UserRecord>;
  get(id: string): Promise<UserRecord>;
  findByLogin(login: string): Promise<UserRecord | undefined>;
  /** Ordered by login. */
  list(): Promise<UserRecord[]>;
  update(id: string, patch: UserPatch): Promise<UserRecord>;
}

export interface TokenOptions {
  expiresAt?: number;
}

export interface CreatedToken {
  /** The plaintext token: shown once, only its hash is stored. */
  token: string;
  record: TokenRecord;
}

export interface TokenRepository {
  create(userId: string, name: string, options?: TokenOptions): Promise<CreatedToken>;
  /** The token's user when the token exists and has not expired; records the use. */
  authenticate(plaintext: string): Promise<{ user: UserRecord; token: TokenRecord } | undefined>;
  list(userId: string): Promise<TokenRecord[]>;
  /** Deletes the token; `NotFoundError` when absent. */
  revoke(id: string): Promise<void>;
}

// ── jobs ─────────────────────────────────────────────────────────────────

export interface JobInput {
  kind: string;
  payload: unknown;
  concurrencyKey?: string;
  concurrencyLimit?: number;
  labels?: Record<string, string>;
  /** Not claimable before this time (default: now). */
  availableAt?: number;
}

export interface ClaimOptions {
  /** Who takes the lease (a runner or process name). */
  owner: string;
  leaseMs: number;
  /** Only these kinds (default: any). */
  kinds?: readonly string[];
  /**
   * The claimer's labels: a job is only claimed when each of its labels is
   * present here with the same value (or, for a list, one of its values).
   * Omitted: labels are not considered.
   */
  labels?: Record<string, string | readonly string[]>;
  now?: number;
}

export interface ExpireOptions {
  /**
   * `true` (default): expired jobs go back to `queued`. `false`: they become
   * `failed` with the reason in `error`, for callers that fail the work instead.
   */
  requeue?: boolean;
  /** Jobs leased this many times already are failed instead of requeued. */
  maxAttempts?: number;
  /** Only jobs of these kinds (default: any), so that each queue's owner settles its own. */
  kinds?: readonly string[];
}

export interface JobListQuery {
  status?: JobStatus;
  kind?: string;
  limit?: number;
}

/**
 * A durable queue. A job moves queued → leased → done | failed; a lease is
 * held by one owner until it completes, fails, requeues or lets the lease
 * expire. Every transition that is not the owner's fails with `ConflictError`.
 */
export interface RunnerRepository {
  /** The plaintext token is returned once. */
  create(name: string): Promise<{ runner: RunnerRecord; token: string }>;
  authenticate(token: string): Promise<RunnerRecord | undefined>;
  /** Records that it asked for work, with its labels. */
  seen(id: string, details: { labels: Record<string, string>; version?: string }): Promise<void>;
  list(): Promise<RunnerRecord[]>;
  count(): Promise<number>;
  delete(name: string): Promise<void>;
}

export interface JobRepository {
  enqueue(input: JobInput): Promise<JobRecord>;
  /**
   * Leases the oldest available queued job that matches and whose
   * concurrency key has fewer than its `concurrencyLimit` jobs leased;
   * atomic across processes. `undefined` when none.
   */
  claim(options: ClaimOptions): Promise<JobRecord | undefined>;
  /** Extends the lease to now + `leaseMs`. */
  heartbeat(id: string, owner: string, leaseMs: number, now?: number): Promise<JobRecord>;
  complete(id: string, owner: string): Promise<JobRecord>;
  fail(id: string, owner: string, error: string): Promise<JobRecord>;
  /** Gives the job back to the queue, claimable from `availableAt` (default now). */
  requeue(id: string, owner: string, availableAt?: number): Promise<JobRecord>;
  /**
   * Ends every lease that expired by `now`: the jobs return to `queued`, or
   * become `failed` (see `ExpireOptions`). Returns them in their new state,
   * with `leaseOwner` still naming the owner that lost the lease.
   */
  expireLeases(now?: number, options?: ExpireOptions): Promise<JobRecord[]>;
  get(id: string): Promise<JobRecord>;
  /** Oldest first. */
  list(query?: JobListQuery): Promise<JobRecord[]>;
}

// ── webhook deliveries ───────────────────────────────────────────────────

/** Delivery ids already received, so that a host's redelivery is recognised. */
export interface DeliveryRepository {
  /**
   * Records a delivery; `true` the first time this (provider, id) is seen,
   * `false` afterwards. Atomic across connections and processes.
   */
  record(provider: string, deliveryId: string): Promise<boolean>;
  /** Forgets deliveries received before `olderThan` (ms); returns how many. */
  prune(olderThan: number): Promise<number>;
}

// ── commit statuses ──────────────────────────────────────────────────────

export interface CommitStatusInput {
  context: string;
  state: CommitStatusState;
  description?: string;
  targetUrl?: string;
}

/** Commit statuses of the built-in git host (external hosts keep their own). */
export interface CommitStatusRepository {
  /**
   * Creates or replaces the status of `input.context` on the commit; keeps
   * `createdAt`. `NotFoundError` when the repository is absent.
   */
  set(repoId: string, sha: string, input: CommitStatusInput): Promise<CommitStatusRecord>;
  /** Ordered by context. */
  list(repoId: string, sha: string): Promise<CommitStatusRecord[]>;
}

// ── artifacts ────────────────────────────────────────────────────────────

export interface ArtifactInput {
  buildId: string;
  kind: ArtifactKind;
  /** `registry/repository`, without tag or digest. */
  reference: string;
  /** Manifest digest, `algorithm:hex`. */
  digest: string;
  tags: readonly string[];
  mediaType: string;
  size: number;
}

/** Images and charts pushed by builds. */
export interface ArtifactRepository {
  /**
   * Records an artifact of a build. Recording the same (build, kind,
   * reference, digest) again replaces its tags, media type and size and
   * keeps `createdAt` (a retried push step). `NotFoundError` when the build
   * is absent, `ConfigError` for a malformed digest or size.
   */
  record(input: ArtifactInput): Promise<ArtifactRecord>;
  /** Oldest first. */
  listByBuild(buildId: string): Promise<ArtifactRecord[]>;
  /**
   * Every record of the digest, oldest first: reproducible builds give the
   * same digest to several builds. Empty when unknown.
   */
  findByDigest(digest: string): Promise<ArtifactRecord[]>;
}

// ── verdicts ─────────────────────────────────────────────────────────────

export interface VerdictInput {
  digest: string;
  passed: boolean;
  summary: string;
  counts: Record<string, number>;
  /** The policy file's text; its hash is stored beside it. */
  policy: string;
  reportDigest?: string;
  /** Default: now. */
  createdAt?: number;
}

/** Vulnerability gate decisions; append-only. */
export interface VerdictRepository {
  /** `ConfigError` for a malformed digest or counts. */
  record(input: VerdictInput): Promise<VerdictRecord>;
  /**
   * The newest verdict on the digest (by `createdAt`, then by recording
   * order), so that a deployment of a refused digest can be refused.
   */
  latest(digest: string): Promise<VerdictRecord | undefined>;
}

// ── clusters ─────────────────────────────────────────────────────────────

/** Exactly one of `kubeconfig` and `inCluster: true`. */
export interface ClusterInput {
  name: string;
  /** Kubeconfig YAML; its current context (or only cluster) names the server. Encrypted at rest. */
  kubeconfig?: string;
  inCluster?: boolean;
}

/**
 * A new `kubeconfig` replaces the stored one (and ends `inCluster`);
 * `inCluster: true` drops the stored kubeconfig. Both at once is a `ConfigError`.
 */
export type ClusterPatch = Partial<ClusterInput>;

export interface ClusterRepository {
  /** `ConflictError` when the name is taken, `ConfigError` for a bad name or kubeconfig. */
  create(input: ClusterInput): Promise<ClusterRecord>;
  /** `NotFoundError` when absent. */
  get(id: string): Promise<ClusterRecord>;
  findByName(name: string): Promise<ClusterRecord | undefined>;
  /** Ordered by name. */
  list(): Promise<ClusterRecord[]>;
  update(id: string, patch: ClusterPatch): Promise<ClusterRecord>;
  /** `NotFoundError` when absent, `ConflictError` while applications deploy to it. */
  delete(id: string): Promise<void>;
  /**
   * The decrypted kubeconfig; `undefined` for an in-cluster cluster.
   * `NotFoundError` when absent, `ConfigError` when it cannot be decrypted.
   */
  revealKubeconfig(id: string): Promise<string | undefined>;
}

// ── applications ─────────────────────────────────────────────────────────

export interface ApplicationInput {
  name: string;
  source: ApplicationSource;
  destination: ApplicationDestination;
  /** Absent switches are off (manual sync). */
  syncPolicy?: Partial<SyncPolicy>;
  environment?: string;
  service?: string;
  /** What generated it; fixed at creation. */
  managedBy?: string;
  ignoreDifferences?: unknown[];
}

/** Fields an application may change; `null` clears an optional one. */
export interface ApplicationPatch {
  source?: Partial<ApplicationSource>;
  destination?: Partial<ApplicationDestination>;
  syncPolicy?: Partial<SyncPolicy>;
  environment?: string | null;
  service?: string | null;
  ignoreDifferences?: unknown[];
}

export interface ApplicationListQuery {
  clusterId?: string;
}

export interface ApplicationRepository {
  /**
   * `ConflictError` when the name is taken, `NotFoundError` when the
   * cluster is absent, `ConfigError` for a bad name or namespace.
   */
  create(input: ApplicationInput): Promise<ApplicationRecord>;
  /** `NotFoundError` when absent. */
  get(id: string): Promise<ApplicationRecord>;
  findByName(name: string): Promise<ApplicationRecord | undefined>;
  /** Ordered by name. */
  list(query?: ApplicationListQuery): Promise<ApplicationRecord[]>;
  update(id: string, patch: ApplicationPatch): Promise<ApplicationRecord>;
  /** Deletes the application with its status and sync history; `NotFoundError` when absent. */
  delete(id: string): Promise<void>;
}

export interface ApplicationStatusInput {
  syncStatus: ApplicationSyncStatus;
  health: ApplicationHealth;
  revision?: string;
  /** Default: now. */
  observedAt?: number;
  message?: string;
  resources: unknown;
}

/** The operational state of each application, kept apart from its definition because it changes often. */
export interface ApplicationStatusRepository {
  /** Creates or replaces the application's status. `NotFoundError` when the application is absent. */
  set(appId: string, input: ApplicationStatusInput): Promise<ApplicationStatusRecord>;
  /** `undefined` until a status is set. */
  get(appId: string): Promise<ApplicationStatusRecord | undefined>;
}

// ── syncs ────────────────────────────────────────────────────────────────

export interface SyncInput {
  revision: string;
  /** Default `Pending`. */
  status?: SyncOperationStatus;
  /** Default ''. */
  phase?: string;
  /** Default `{}`. */
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

/** Fields a sync may change; `null` clears an optional one. */
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

export interface SyncListOptions {
  /** At most this many (default 25). */
  limit?: number;
  /** Only syncs numbered below this (paging). */
  before?: number;
}

/** Sync history; each record also holds the state of a resumable sync. */
export interface SyncRepository {
  /** Assigns the application's next sync number atomically. `NotFoundError` when the application is absent. */
  create(appId: string, input: SyncInput): Promise<SyncRecord>;
  /** `NotFoundError` when absent. */
  get(id: string): Promise<SyncRecord>;
  /** Newest first. */
  listByApp(appId: string, options?: SyncListOptions): Promise<SyncRecord[]>;
  /** The highest-numbered sync of the application. */
  latest(appId: string): Promise<SyncRecord | undefined>;
  /**
   * Applies `patch`. A move to `Running` sets `startedAt`, a move to a
   * finished status sets `finishedAt` (both to now unless given).
   */
  update(id: string, patch: SyncPatch, guard?: StatusGuard<SyncOperationStatus>): Promise<SyncRecord>;
  /** Oldest first, across applications (e.g. syncs to resume at start-up). */
  listByStatus(statuses: readonly SyncOperationStatus[]): Promise<SyncRecord[]>;
}

// ── notifications ────────────────────────────────────────────────────────

export interface NotificationTargetInput {
  name: string;
  kind: string;
  /** `null` or absent: the default set. */
  events?: readonly string[] | null;
  /** `null` or absent: every environment. */
  environments?: readonly string[] | null;
  settings: Record<string, unknown>;
  /** Secret settings, encrypted at rest and never returned by `get`/`list`. */
  secrets: Record<string, string>;
}

/** Fields a target may change; `settings` and `secrets` replace the stored ones whole. */
export type NotificationTargetPatch = Partial<Omit<NotificationTargetInput, 'name' | 'kind'>>;

export interface NotificationTargetRepository {
  /** `ConflictError` when the name is taken, `ConfigError` for a bad name. */
  create(input: NotificationTargetInput): Promise<NotificationTargetRecord>;
  /** `NotFoundError` when absent. */
  get(name: string): Promise<NotificationTargetRecord>;
  /** Ordered by name. */
  list(): Promise<NotificationTargetRecord[]>;
  update(name: string, patch: NotificationTargetPatch): Promise<NotificationTargetRecord>;
  /** `NotFoundError` when absent. */
  delete(name: string): Promise<void>;
  /** The decrypted secret settings; `NotFoundError` when absent, `ConfigError` when they cannot be decrypted. */
  revealSecrets(name: string): Promise<Record<string, string>>;
}

/** A delivery's state after an attempt; `null` clears an optional field. */
export type NotificationDeliveryInput = Omit<NotificationDeliveryRecord, 'responseStatus' | 'lastError' | 'createdAt' | 'updatedAt'> & {
  responseStatus?: number | null;
  lastError?: string | null;
};

export interface NotificationDeliveryQuery {
  target?: string;
  /** At most this many (default 50). */
  limit?: number;
}

/** Delivery outcomes, newest first; only the newest `keep` (default 1000) are kept. */
export interface NotificationDeliveryRepository {
  /** Creates or replaces the delivery with this id (keeps `createdAt`), then drops the oldest beyond the bound. */
  save(input: NotificationDeliveryInput): Promise<NotificationDeliveryRecord>;
  /** `NotFoundError` when absent (or already dropped). */
  get(id: string): Promise<NotificationDeliveryRecord>;
  /** Newest first. */
  list(query?: NotificationDeliveryQuery): Promise<NotificationDeliveryRecord[]>;
}

// ── audit log ────────────────────────────────────────────────────────────

/** An entry before the chain places it; `details` (canonical JSON text) is stored and hashed as given. */
export type AuditAppendInput = Omit<AuditRecord, 'seq' | 'prevHash' | 'hash'>;

/** The entry about to be appended, with its place in the chain, before it is hashed. */
export type AuditUnsealed = Omit<AuditRecord, 'hash'>;

export interface AuditListQuery {
  actor?: string;
  /** `build` matches `build` and `build.trigger`, not `builds.x`. */
  actionPrefix?: string;
  environment?: string;
  /** `at >= since` (ms). */
  since?: number;
  /** `at < until` (ms). */
  until?: number;
  /** Default 100. */
  limit?: number;
  /** Continue after this seq, in the listing's order. */
  after?: number;
  /** Default `desc` (newest first). */
  order?: 'asc' | 'desc';
}

export interface AuditPruneResult {
  /** Entries removed now. */
  removed: number;
  /** The chain state afterwards. */
  chain: AuditChainState;
}

/**
 * The audit log's storage: appends only, never updates. An append is one
 * write transaction that reads the chain head, so appends from any number of
 * callers and processes form one linear chain.
 */
export interface AuditRepository {
  /**
   * Appends an entry after the head: `seq` is head + 1, `prevHash` the head's
   * hash, and `seal` (called inside the transaction) gives its hash.
   */
  append(input: AuditAppendInput, seal: (entry: AuditUnsealed) => string): Promise<AuditRecord>;
  list(query?: AuditListQuery): Promise<AuditRecord[]>;
  chain(): Promise<AuditChainState>;
  /**
   * Removes the oldest entries dated before `before` (ms) — only a prefix of
   * the chain, so that what stays is still one chain — and moves the anchor
   * to the first kept entry.
   */
  prune(before: number): Promise<AuditPruneResult>;
}

// ── previews ─────────────────────────────────────────────────────────────

export interface PreviewInput {
  name: string;
  environment: string;
  repo: string;
  branch: string;
  service: string;
  cluster?: string;
  namespace: string;
  provisioner?: string;
  /** Default: now. */
  lastPushAt?: number;
}

export interface PreviewPatch {
  service?: string;
  services?: string[];
  cluster?: string | null;
  namespace?: string;
  createdNamespace?: boolean;
  createdCluster?: string | null;
  url?: string | null;
  imageTag?: string | null;
  status?: PreviewStatus;
  message?: string | null;
  removalReason?: PreviewRemovalReason;
  lastPushAt?: number;
}

export interface PreviewRepository {
  /** Starts as `creating`. `ConflictError` while a preview of that name is not removed. */
  create(input: PreviewInput): Promise<PreviewRecord>;
  /** `NotFoundError` when absent. */
  get(id: string): Promise<PreviewRecord>;
  /** The preview of that name that is not removed. */
  findActive(name: string): Promise<PreviewRecord | undefined>;
  /** Previews not removed, oldest first; or those in `statuses`. */
  list(statuses?: readonly PreviewStatus[]): Promise<PreviewRecord[]>;
  /** A move to `removed` sets `removedAt`. `ConflictError` when the guard's statuses do not hold. */
  update(id: string, patch: PreviewPatch, guard?: StatusGuard<PreviewStatus>): Promise<PreviewRecord>;
}

// ── approvals ────────────────────────────────────────────────────────────

export type ApprovalInput = Omit<ApprovalRecord, 'id' | 'createdAt'> & { createdAt?: number };

export interface ApprovalQuery {
  environment: string;
  service: string;
  version: string;
}

/** Approvals per (environment, service, version); one per login. */
export interface ApprovalRepository {
  /** `ConflictError` when this login already approved this version. */
  add(input: ApprovalInput): Promise<ApprovalRecord>;
  /** Oldest first. */
  list(query: ApprovalQuery): Promise<ApprovalRecord[]>;
}

// ── releases ─────────────────────────────────────────────────────────────

export type ReleaseInput = Omit<ReleaseRecord, 'id' | 'deployedAt'> & { deployedAt?: number };

export interface ReleaseListQuery {
  service?: string;
  environment?: string;
  /** At most this many (default 50). */
  limit?: number;
}

/** Release records; append-only. */
export interface ReleaseRepository {
  create(input: ReleaseInput): Promise<ReleaseRecord>;
  /** `NotFoundError` when absent. */
  get(id: string): Promise<ReleaseRecord>;
  /** Newest first. */
  list(query?: ReleaseListQuery): Promise<ReleaseRecord[]>;
}
