import type { Clock } from '../../core/index.ts';
import type { SecretCipher } from '../secret-cipher.ts';
import type { Store } from '../types.ts';
import { SqliteApprovalRepository } from './approvals.ts';
import { SqliteApplicationStatusRepository } from './application-status.ts';
import { SqliteApplicationRepository } from './applications.ts';
import { SqliteArtifactRepository } from './artifacts.ts';
import { SqliteAuditRepository } from './audit.ts';
import { SqliteBuildRepository } from './builds.ts';
import { SqliteClusterRepository } from './clusters.ts';
import { SqliteCommitStatusRepository } from './commit-statuses.ts';
import type { Database } from './database.ts';
import { SqliteDeliveryRepository } from './deliveries.ts';
import { SqliteJobRepository } from './jobs.ts';
import { SqliteRunnerRepository } from './runners.ts';
import { SqliteLogRepository } from './logs.ts';
import { SqliteNotificationDeliveryRepository } from './notification-deliveries.ts';
import { SqliteNotificationTargetRepository } from './notification-targets.ts';
import { SqlitePreviewRepository } from './previews.ts';
import { SqliteReleaseRepository } from './releases.ts';
import { SqliteRepoRepository } from './repos.ts';
import { SqliteSecretRepository } from './secrets.ts';
import { SqliteStageRepository } from './stages.ts';
import { SqliteStepRepository } from './steps.ts';
import { SqliteSyncRepository } from './syncs.ts';
import { SqliteTokenRepository } from './tokens.ts';
import { SqliteUserRepository } from './users.ts';
import { SqliteVerdictRepository } from './verdicts.ts';

/** The repositories over one SQLite connection. */
export class SqliteStore implements Store {
  readonly repos: SqliteRepoRepository;
  readonly builds: SqliteBuildRepository;
  readonly stages: SqliteStageRepository;
  readonly steps: SqliteStepRepository;
  readonly logs: SqliteLogRepository;
  readonly secrets: SqliteSecretRepository;
  readonly users: SqliteUserRepository;
  readonly tokens: SqliteTokenRepository;
  readonly jobs: SqliteJobRepository;
  readonly runners: SqliteRunnerRepository;
  readonly deliveries: SqliteDeliveryRepository;
  readonly commitStatuses: SqliteCommitStatusRepository;
  readonly artifacts: SqliteArtifactRepository;
  readonly verdicts: SqliteVerdictRepository;
  readonly clusters: SqliteClusterRepository;
  readonly applications: SqliteApplicationRepository;
  readonly applicationStatus: SqliteApplicationStatusRepository;
  readonly syncs: SqliteSyncRepository;
  readonly notificationTargets: SqliteNotificationTargetRepository;
  readonly notificationDeliveries: SqliteNotificationDeliveryRepository;
  readonly audit: SqliteAuditRepository;
  readonly previews: SqlitePreviewRepository;
  readonly approvals: SqliteApprovalRepository;
  readonly releases: SqliteReleaseRepository;
  readonly #db: Database;

  constructor(db: Database, clock: Clock, cipher: SecretCipher) {
    this.#db = db;
    this.repos = new SqliteRepoRepository(db, clock, cipher);
    this.builds = new SqliteBuildRepository(db, clock);
    this.stages = new SqliteStageRepository(db, clock);
    this.steps = new SqliteStepRepository(db, clock);
    this.logs = new SqliteLogRepository(db);
    this.secrets = new SqliteSecretRepository(db, clock, cipher);
    this.users = new SqliteUserRepository(db, clock);
    this.tokens = new SqliteTokenRepository(db, clock);
    this.jobs = new SqliteJobRepository(db, clock);
    this.runners = new SqliteRunnerRepository(db, clock);
    this.deliveries = new SqliteDeliveryRepository(db, clock);
    this.commitStatuses = new SqliteCommitStatusRepository(db, clock);
    this.artifacts = new SqliteArtifactRepository(db, clock);
    this.verdicts = new SqliteVerdictRepository(db, clock);
    this.clusters = new SqliteClusterRepository(db, clock, cipher);
    this.applications = new SqliteApplicationRepository(db, clock);
    this.applicationStatus = new SqliteApplicationStatusRepository(db, clock);
    this.syncs = new SqliteSyncRepository(db, clock);
    this.notificationTargets = new SqliteNotificationTargetRepository(db, clock, cipher);
    this.notificationDeliveries = new SqliteNotificationDeliveryRepository(db, clock);
    this.audit = new SqliteAuditRepository(db);
    this.previews = new SqlitePreviewRepository(db, clock);
    this.approvals = new SqliteApprovalRepository(db, clock);
    this.releases = new SqliteReleaseRepository(db, clock);
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
