import { NotFoundError } from '../../core/index.ts';
import type { Database, Row } from './database.ts';
import { updateRow } from './update.ts';

// Pipeline rows (builds, stages, steps) use Drone's lower-case statuses,
// syncs the Kubernetes-style capitalised ones.
const RUNNING: ReadonlySet<string> = new Set(['running', 'Running']);
const FINISHED: ReadonlySet<string> = new Set(['success', 'failure', 'error', 'killed', 'skipped', 'Succeeded', 'Failed', 'Terminated']);

export function isFinished(status: string): boolean {
  return FINISHED.has(status);
}

interface TimedPatch {
  status?: string;
  startedAt?: number | null;
  finishedAt?: number | null;
}

/**
 * Timestamp columns implied by a status change: entering `running` (or `Running`) stamps
 * `started_at`, entering a finished status stamps `finished_at`, unless the
 * patch gives them or they are already set.
 */
export function lifecycleColumns(current: Row, patch: TimedPatch, now: number): Record<string, number | null> {
  const columns: Record<string, number | null> = {};
  if (patch.startedAt !== undefined) columns['started_at'] = patch.startedAt;
  if (patch.finishedAt !== undefined) columns['finished_at'] = patch.finishedAt;
  if (patch.status === undefined) return columns;
  if (RUNNING.has(patch.status) && patch.startedAt === undefined && current['started_at'] == null) {
    columns['started_at'] = now;
  }
  if (isFinished(patch.status) && patch.finishedAt === undefined && current['finished_at'] == null) {
    columns['finished_at'] = now;
  }
  return columns;
}

/**
 * Updates a row that has a status lifecycle (builds, stages, steps, syncs) in one
 * transaction: the given columns (undefined ones left out), `status`, the
 * implied timestamps and `updated_at`, guarded by `ifStatus`.
 */
export async function updateLifecycleRow(
  db: Database,
  table: string,
  id: string,
  patch: TimedPatch,
  columns: Record<string, string | number | null | undefined>,
  now: number,
  ifStatus?: readonly string[],
): Promise<void> {
  await db.transaction(async () => {
    const current = await db.get(`SELECT * FROM ${table} WHERE id = ?`, [id]);
    if (!current) throw new NotFoundError(`${table.replace(/s$/, '')} ${id} not found`);
    const given = Object.fromEntries(Object.entries({ status: patch.status, ...columns }).filter(([, value]) => value !== undefined));
    await updateRow(db, table, id, { ...given, ...lifecycleColumns(current, patch, now), updated_at: now }, ifStatus);
  });
}

/** Rows whose status is one of `statuses`, oldest first. */
export async function rowsByStatus(db: Database, table: string, statuses: readonly string[]): Promise<Row[]> {
  if (statuses.length === 0) return [];
  return await db.all(`SELECT * FROM ${table} WHERE status IN (${statuses.map(() => '?').join(', ')}) ORDER BY created_at, number`, [...statuses]);
}
