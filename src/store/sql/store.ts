import type { Clock } from '../../core/index.ts';
import type { SecretCipher } from '../secret-cipher.ts';
import type { LockRepository, SignalRepository, Store } from '../types.ts';
import { SqlApprovalRepository } from './approvals.ts';
import { SqlApplicationStatusRepository } from './application-status.ts';
import { SqlApplicationRepository } from './applications.ts';
import { SqlArtifactRepository } from './artifacts.ts';
import { SqlAuditRepository } from './audit.ts';
import { SqlBuildRepository } from './builds.ts';
import { SqlClusterRepository } from './clusters.ts';
import { SqlCommitStatusRepository } from './commit-statuses.ts';
import type { Database } from './database.ts';
import { SqlDeliveryRepository } from './deliveries.ts';
import { SqlJobRepository } from './jobs.ts';
import { SqlRunnerRepository } from './runners.ts';
import { SqlLogRepository } from './logs.ts';
import { SqlNotificationDeliveryRepository } from './notification-deliveries.ts';
import { SqlNotificationTargetRepository } from './notification-targets.ts';
import { SqlPreviewRepository } from './previews.ts';
import { SqlReleaseRepository } from './releases.ts';
import { SqlRepoRepository } from './repos.ts';
import { SqlSecretRepository } from './secrets.ts';
import { SqlStageRepository } from './stages.ts';
import { SqlStepRepository } from './steps.ts';
import { SqlSyncRepository } from './syncs.ts';
import { SqlTokenRepository } from './tokens.ts';
import { SqlUserRepository } from './users.ts';
import { SqlVerdictRepository } from './verdicts.ts';

/** What differs by engine beside SQL: locks and signals; `close` releases what they hold. */
export interface EngineParts {
  locks: LockRepository & { close(): Promise<void> };
  signals: SignalRepository & { close?(): Promise<void> };
}

/** The repositories over one database, and the engine's locks. */
export class SqlStore implements Store {
  readonly repos: SqlRepoRepository;
  readonly builds: SqlBuildRepository;
  readonly stages: SqlStageRepository;
  readonly steps: SqlStepRepository;
  readonly logs: SqlLogRepository;
  readonly secrets: SqlSecretRepository;
  readonly users: SqlUserRepository;
  readonly tokens: SqlTokenRepository;
  readonly jobs: SqlJobRepository;
  readonly runners: SqlRunnerRepository;
  readonly deliveries: SqlDeliveryRepository;
  readonly commitStatuses: SqlCommitStatusRepository;
  readonly artifacts: SqlArtifactRepository;
  readonly verdicts: SqlVerdictRepository;
  readonly clusters: SqlClusterRepository;
  readonly applications: SqlApplicationRepository;
  readonly applicationStatus: SqlApplicationStatusRepository;
  readonly syncs: SqlSyncRepository;
  readonly notificationTargets: SqlNotificationTargetRepository;
  readonly notificationDeliveries: SqlNotificationDeliveryRepository;
  readonly audit: SqlAuditRepository;
  readonly previews: SqlPreviewRepository;
  readonly approvals: SqlApprovalRepository;
  readonly releases: SqlReleaseRepository;
  readonly locks: LockRepository;
  readonly signals: SignalRepository;
  readonly #engine: EngineParts;
  readonly #db: Database;

  constructor(db: Database, clock: Clock, cipher: SecretCipher, engine: EngineParts) {
    this.#db = db;
    this.#engine = engine;
    this.locks = engine.locks;
    this.signals = engine.signals;
    this.repos = new SqlRepoRepository(db, clock, cipher);
    this.builds = new SqlBuildRepository(db, clock);
    this.stages = new SqlStageRepository(db, clock);
    this.steps = new SqlStepRepository(db, clock);
    this.logs = new SqlLogRepository(db);
    this.secrets = new SqlSecretRepository(db, clock, cipher);
    this.users = new SqlUserRepository(db, clock);
    this.tokens = new SqlTokenRepository(db, clock);
    this.jobs = new SqlJobRepository(db, clock);
    this.runners = new SqlRunnerRepository(db, clock);
    this.deliveries = new SqlDeliveryRepository(db, clock);
    this.commitStatuses = new SqlCommitStatusRepository(db, clock);
    this.artifacts = new SqlArtifactRepository(db, clock);
    this.verdicts = new SqlVerdictRepository(db, clock);
    this.clusters = new SqlClusterRepository(db, clock, cipher);
    this.applications = new SqlApplicationRepository(db, clock);
    this.applicationStatus = new SqlApplicationStatusRepository(db, clock);
    this.syncs = new SqlSyncRepository(db, clock);
    this.notificationTargets = new SqlNotificationTargetRepository(db, clock, cipher);
    this.notificationDeliveries = new SqlNotificationDeliveryRepository(db, clock);
    this.audit = new SqlAuditRepository(db);
    this.previews = new SqlPreviewRepository(db, clock);
    this.approvals = new SqlApprovalRepository(db, clock);
    this.releases = new SqlReleaseRepository(db, clock);
  }

  async close(): Promise<void> {
    await this.#engine.signals.close?.();
    await this.#engine.locks.close();
    await this.#db.close();
  }
}
