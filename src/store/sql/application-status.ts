import { ConfigError, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import { applicationHealthStatuses, applicationSyncStatuses } from '../records.ts';
import type { ApplicationHealth, ApplicationStatusRecord, ApplicationSyncStatus } from '../records.ts';
import type { ApplicationStatusInput, ApplicationStatusRepository } from '../types.ts';
import { int, json, jsonText, nullable, optText, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';

export class SqlApplicationStatusRepository implements ApplicationStatusRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async set(appId: string, input: ApplicationStatusInput): Promise<ApplicationStatusRecord> {
    if (!applicationSyncStatuses.includes(input.syncStatus)) {
      throw new ConfigError(`syncStatus: expected one of ${applicationSyncStatuses.join(', ')}, found ${JSON.stringify(input.syncStatus)}`);
    }
    if (!applicationHealthStatuses.includes(input.health)) {
      throw new ConfigError(`health: expected one of ${applicationHealthStatuses.join(', ')}, found ${JSON.stringify(input.health)}`);
    }
    const resources = jsonText(input.resources, 'resources');
    const now = this.#clock.now();
    let row: Row | undefined;
    try {
      row = await this.#db.get(
        `INSERT INTO application_status (app_id, sync_status, health, revision, observed_at, message, resources, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (app_id) DO UPDATE SET
           sync_status = excluded.sync_status, health = excluded.health, revision = excluded.revision,
           observed_at = excluded.observed_at, message = excluded.message, resources = excluded.resources,
           updated_at = excluded.updated_at
         RETURNING *`,
        [appId, input.syncStatus, input.health, nullable(input.revision), input.observedAt ?? now, nullable(input.message), resources, now],
      );
    } catch (error) {
      translateConstraint(error, `status of application ${appId}`);
    }
    if (!row) throw new NotFoundError(`application ${appId} not found`);
    return toStatus(row);
  }

  async get(appId: string): Promise<ApplicationStatusRecord | undefined> {
    const row = await this.#db.get('SELECT * FROM application_status WHERE app_id = ?', [appId]);
    return row && toStatus(row);
  }
}

function toStatus(row: Row): ApplicationStatusRecord {
  const record: ApplicationStatusRecord = {
    appId: text(row, 'app_id'),
    syncStatus: text(row, 'sync_status') as ApplicationSyncStatus,
    health: text(row, 'health') as ApplicationHealth,
    observedAt: int(row, 'observed_at'),
    resources: json<unknown>(row, 'resources'),
    updatedAt: int(row, 'updated_at'),
  };
  const revision = optText(row, 'revision');
  if (revision !== undefined) record.revision = revision;
  const message = optText(row, 'message');
  if (message !== undefined) record.message = message;
  return record;
}
