import { ConfigError, newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import { syncOperationStatuses } from '../records.ts';
import type { SyncOperationStatus, SyncRecord } from '../records.ts';
import type { StatusGuard, SyncInput, SyncListOptions, SyncPatch, SyncRepository } from '../types.ts';
import { bool, flag, int, json, jsonText, nullable, optInt, optText, text } from './columns.ts';
import { ROW_LOCKED } from './database.ts';
import type { Database, Params, Row } from './database.ts';
import { rowsByStatus, updateLifecycleRow } from './lifecycle.ts';

export class SqlSyncRepository implements SyncRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(appId: string, input: SyncInput): Promise<SyncRecord> {
    const status = input.status ?? 'Pending';
    checkStatus(status);
    if (input.revision === '') throw new ConfigError('revision: expected a config commit');
    const state = jsonText(input.state ?? {}, 'state');
    const objectsChanged = objectsText(input.objectsChanged ?? []);
    const now = this.#clock.now();
    const id = newId();
    // The counter and the insert share one write transaction: numbers are
    // unique and increasing even with several processes on one file.
    await this.#db.transaction(async () => {
      const counter = await this.#db.get(
        'UPDATE applications SET last_sync_number = last_sync_number + 1 WHERE id = ? RETURNING last_sync_number',
        [appId],
      );
      if (!counter) throw new NotFoundError(`application ${appId} not found`);
      await this.#db.run(
        `INSERT INTO syncs (id, app_id, number, revision, status, phase, state, dry_run, prune, force, triggered_by,
           reason, objects_changed, message, owner, created_at, started_at, finished_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          appId,
          int(counter, 'last_sync_number'),
          input.revision,
          status,
          input.phase ?? '',
          state,
          flag(input.dryRun),
          flag(input.prune),
          flag(input.force),
          input.triggeredBy,
          nullable(input.reason),
          objectsChanged,
          nullable(input.message),
          nullable(input.owner),
          now,
          status === 'Pending' ? null : now,
          status === 'Pending' || status === 'Running' ? null : now,
          now,
        ],
      );
    }, ROW_LOCKED);
    return this.get(id);
  }

  async get(id: string): Promise<SyncRecord> {
    const row = await this.#db.get('SELECT * FROM syncs WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`sync ${id} not found`);
    return toSync(row);
  }

  async listByApp(appId: string, options: SyncListOptions = {}): Promise<SyncRecord[]> {
    const params: Params = [appId];
    let before = '';
    if (options.before !== undefined) {
      before = 'AND number < ?';
      params.push(options.before);
    }
    params.push(options.limit ?? 25);
    return (await this.#db.all(`SELECT * FROM syncs WHERE app_id = ? ${before} ORDER BY number DESC LIMIT ?`, params)).map(toSync);
  }

  async latest(appId: string): Promise<SyncRecord | undefined> {
    const row = await this.#db.get('SELECT * FROM syncs WHERE app_id = ? ORDER BY number DESC LIMIT 1', [appId]);
    return row && toSync(row);
  }

  async update(id: string, patch: SyncPatch, guard: StatusGuard<SyncOperationStatus> = {}): Promise<SyncRecord> {
    if (patch.status !== undefined) checkStatus(patch.status);
    if (patch.revision === '') throw new ConfigError('revision: expected a config commit');
    const columns = {
      revision: patch.revision,
      phase: patch.phase,
      state: patch.state === undefined ? undefined : jsonText(patch.state, 'state'),
      objects_changed: patch.objectsChanged === undefined ? undefined : objectsText(patch.objectsChanged),
      message: patch.message,
      owner: patch.owner,
    };
    await updateLifecycleRow(this.#db, 'syncs', id, patch, columns, this.#clock.now(), guard.ifStatus);
    return this.get(id);
  }

  async listByStatus(statuses: readonly SyncOperationStatus[]): Promise<SyncRecord[]> {
    return (await rowsByStatus(this.#db, 'syncs', statuses)).map(toSync);
  }
}

function checkStatus(status: string): void {
  if (!(syncOperationStatuses as readonly string[]).includes(status)) {
    throw new ConfigError(`status: expected one of ${syncOperationStatuses.join(', ')}, found ${JSON.stringify(status)}`);
  }
}

function objectsText(objects: unknown[]): string {
  if (!Array.isArray(objects)) throw new ConfigError('objectsChanged: expected a list');
  return jsonText(objects, 'objectsChanged');
}

function toSync(row: Row): SyncRecord {
  const record: SyncRecord = {
    id: text(row, 'id'),
    appId: text(row, 'app_id'),
    number: int(row, 'number'),
    revision: text(row, 'revision'),
    status: text(row, 'status') as SyncOperationStatus,
    phase: text(row, 'phase'),
    state: json<unknown>(row, 'state'),
    dryRun: bool(row, 'dry_run'),
    prune: bool(row, 'prune'),
    force: bool(row, 'force'),
    triggeredBy: text(row, 'triggered_by'),
    objectsChanged: json<unknown[]>(row, 'objects_changed'),
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
  const optional = {
    reason: optText(row, 'reason'),
    message: optText(row, 'message'),
    owner: optText(row, 'owner'),
    startedAt: optInt(row, 'started_at'),
    finishedAt: optInt(row, 'finished_at'),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(record, { [key]: value });
  }
  return record;
}
