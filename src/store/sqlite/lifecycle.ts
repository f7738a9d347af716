import type { Row } from './database.ts';

const FINISHED: ReadonlySet<string> = new Set(['success', 'failure', 'error', 'killed', 'skipped']);

export function isFinished(status: string): boolean {
  return FINISHED.has(status);
}

interface TimedPatch {
  status?: string;
  startedAt?: number | null;
  finishedAt?: number | null;
}

/**
 * Timestamp columns implied by a status change: entering `running` stamps
 * `started_at`, entering a finished status stamps `finished_at`, unless the
 * patch gives them or they are already set.
 */
export function lifecycleColumns(current: Row, patch: TimedPatch, now: number): Record<string, number | null> {
  const columns: Record<string, number | null> = {};
  if (patch.startedAt !== undefined) columns['started_at'] = patch.startedAt;
  if (patch.finishedAt !== undefined) columns['finished_at'] = patch.finishedAt;
  if (patch.status === undefined) return columns;
  if (patch.status === 'running' && patch.startedAt === undefined && current['started_at'] == null) {
    columns['started_at'] = now;
  }
  if (isFinished(patch.status) && patch.finishedAt === undefined && current['finished_at'] == null) {
    columns['finished_at'] = now;
  }
  return columns;
}
