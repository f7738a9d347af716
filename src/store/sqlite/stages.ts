import { newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { StageRecord, StageStatus } from '../records.ts';
import type { StageInput, StagePatch, StageRepository, StatusGuard } from '../types.ts';
import { int, json, nullable, optInt, optText, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';
import { lifecycleColumns } from './lifecycle.ts';
import { updateRow } from './update.ts';

export class SqliteStageRepository implements StageRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async createMany(buildId: string, stages: readonly StageInput[]): Promise<StageRecord[]> {
    const now = this.#clock.now();
    try {
      this.#db.transaction(() => {
        stages.forEach((stage, index) => {
          this.#db.run(
            `INSERT INTO stages (id, build_id, number, name, type, status, depends_on, plan, labels,
               concurrency_limit, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [
              newId(),
              buildId,
              index + 1,
              stage.name,
              stage.type ?? 'docker',
              stage.status ?? 'pending',
              JSON.stringify(stage.dependsOn ?? []),
              JSON.stringify(stage.plan ?? null),
              JSON.stringify(stage.labels ?? {}),
              nullable(stage.concurrencyLimit),
              now,
              now,
            ],
          );
        });
      });
    } catch (error) {
      translateConstraint(error, `stages of build ${buildId}`);
    }
    return this.listByBuild(buildId);
  }

  async get(id: string): Promise<StageRecord> {
    const row = this.#db.get('SELECT * FROM stages WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`stage ${id} not found`);
    return toStage(row);
  }

  async listByBuild(buildId: string): Promise<StageRecord[]> {
    return this.#db.all('SELECT * FROM stages WHERE build_id = ? ORDER BY number', [buildId]).map(toStage);
  }

  async update(id: string, patch: StagePatch, guard: StatusGuard<StageStatus> = {}): Promise<StageRecord> {
    this.#db.transaction(() => {
      const current = this.#db.get('SELECT * FROM stages WHERE id = ?', [id]);
      if (!current) throw new NotFoundError(`stage ${id} not found`);
      const now = this.#clock.now();
      const columns: Record<string, string | number | null> = {
        ...lifecycleColumns(current, patch, now),
        updated_at: now,
      };
      if (patch.status !== undefined) columns['status'] = patch.status;
      if (patch.error !== undefined) columns['error'] = patch.error;
      if (patch.exitCode !== undefined) columns['exit_code'] = patch.exitCode;
      if (patch.machine !== undefined) columns['machine'] = patch.machine;
      if (patch.plan !== undefined) columns['plan'] = JSON.stringify(patch.plan);
      updateRow(this.#db, 'stages', id, columns, guard.ifStatus);
    });
    return this.get(id);
  }

  async listByStatus(statuses: readonly StageStatus[]): Promise<StageRecord[]> {
    if (statuses.length === 0) return [];
    return this.#db
      .all(`SELECT * FROM stages WHERE status IN (${statuses.map(() => '?').join(', ')}) ORDER BY created_at, number`, [
        ...statuses,
      ])
      .map(toStage);
  }
}

function toStage(row: Row): StageRecord {
  return {
    id: text(row, 'id'),
    buildId: text(row, 'build_id'),
    number: int(row, 'number'),
    name: text(row, 'name'),
    type: text(row, 'type'),
    status: text(row, 'status') as StageStatus,
    dependsOn: json<string[]>(row, 'depends_on'),
    plan: json<unknown>(row, 'plan'),
    labels: json<Record<string, string>>(row, 'labels'),
    concurrencyLimit: optInt(row, 'concurrency_limit'),
    error: optText(row, 'error'),
    exitCode: optInt(row, 'exit_code'),
    machine: optText(row, 'machine'),
    createdAt: int(row, 'created_at'),
    startedAt: optInt(row, 'started_at'),
    finishedAt: optInt(row, 'finished_at'),
    updatedAt: int(row, 'updated_at'),
  };
}
