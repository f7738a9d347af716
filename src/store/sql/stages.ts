import { newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { StageRecord, StageStatus } from '../records.ts';
import type { StageInput, StagePatch, StageRepository, StatusGuard } from '../types.ts';
import { int, json, nullable, optInt, optText, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';
import { rowsByStatus, updateLifecycleRow } from './lifecycle.ts';

export class SqlStageRepository implements StageRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async createMany(buildId: string, stages: readonly StageInput[]): Promise<StageRecord[]> {
    const now = this.#clock.now();
    try {
      await this.#db.transaction(async () => {
        for (const [index, stage] of stages.entries()) {
          await this.#db.run(
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
        }
      });
    } catch (error) {
      translateConstraint(error, `stages of build ${buildId}`);
    }
    return this.listByBuild(buildId);
  }

  async get(id: string): Promise<StageRecord> {
    const row = await this.#db.get('SELECT * FROM stages WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`stage ${id} not found`);
    return toStage(row);
  }

  async listByBuild(buildId: string): Promise<StageRecord[]> {
    return (await this.#db.all('SELECT * FROM stages WHERE build_id = ? ORDER BY number', [buildId])).map(toStage);
  }

  async update(id: string, patch: StagePatch, guard: StatusGuard<StageStatus> = {}): Promise<StageRecord> {
    const columns = {
      error: patch.error,
      exit_code: patch.exitCode,
      machine: patch.machine,
      plan: patch.plan === undefined ? undefined : JSON.stringify(patch.plan),
    };
    await updateLifecycleRow(this.#db, 'stages', id, patch, columns, this.#clock.now(), guard.ifStatus);
    return this.get(id);
  }

  async listByStatus(statuses: readonly StageStatus[]): Promise<StageRecord[]> {
    return (await rowsByStatus(this.#db, 'stages', statuses)).map(toStage);
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
