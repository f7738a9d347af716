import { newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import type { StepRecord, StepStatus } from '../records.ts';
import type { StatusGuard, StepInput, StepPatch, StepRepository } from '../types.ts';
import { bool, flag, int, optInt, optText, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';
import { updateLifecycleRow } from './lifecycle.ts';

export class SqlStepRepository implements StepRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async createMany(stageId: string, steps: readonly StepInput[]): Promise<StepRecord[]> {
    const now = this.#clock.now();
    try {
      await this.#db.transaction(async () => {
        for (const [index, step] of steps.entries()) {
          await this.#db.run(
            `INSERT INTO steps (id, stage_id, number, name, status, detached, error_ignored, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [
              newId(),
              stageId,
              index + 1,
              step.name,
              step.status ?? 'pending',
              flag(step.detached),
              flag(step.errorIgnored),
              now,
              now,
            ],
          );
        }
      });
    } catch (error) {
      translateConstraint(error, `steps of stage ${stageId}`);
    }
    return this.listByStage(stageId);
  }

  async get(id: string): Promise<StepRecord> {
    const row = await this.#db.get('SELECT * FROM steps WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`step ${id} not found`);
    return toStep(row);
  }

  async listByStage(stageId: string): Promise<StepRecord[]> {
    return (await this.#db.all('SELECT * FROM steps WHERE stage_id = ? ORDER BY number', [stageId])).map(toStep);
  }

  async find(stageId: string, name: string): Promise<StepRecord | undefined> {
    const row = await this.#db.get('SELECT * FROM steps WHERE stage_id = ? AND name = ?', [stageId, name]);
    return row && toStep(row);
  }

  async update(id: string, patch: StepPatch, guard: StatusGuard<StepStatus> = {}): Promise<StepRecord> {
    const columns = {
      exit_code: patch.exitCode,
      error: patch.error,
      error_ignored: patch.errorIgnored === undefined ? undefined : flag(patch.errorIgnored),
    };
    await updateLifecycleRow(this.#db, 'steps', id, patch, columns, this.#clock.now(), guard.ifStatus);
    return this.get(id);
  }
}

function toStep(row: Row): StepRecord {
  return {
    id: text(row, 'id'),
    stageId: text(row, 'stage_id'),
    number: int(row, 'number'),
    name: text(row, 'name'),
    status: text(row, 'status') as StepStatus,
    exitCode: optInt(row, 'exit_code'),
    error: optText(row, 'error'),
    detached: bool(row, 'detached'),
    errorIgnored: bool(row, 'error_ignored'),
    createdAt: int(row, 'created_at'),
    startedAt: optInt(row, 'started_at'),
    finishedAt: optInt(row, 'finished_at'),
    updatedAt: int(row, 'updated_at'),
  };
}
