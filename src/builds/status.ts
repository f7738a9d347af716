import type { BuildStatus, StageRecord, StageStatus } from '../store/index.ts';

const finished: ReadonlySet<StageStatus> = new Set(['success', 'failure', 'error', 'killed', 'skipped']);
const failed: ReadonlySet<StageStatus> = new Set(['failure', 'error', 'killed']);

export function isFinished(status: StageStatus | BuildStatus): boolean {
  return finished.has(status as StageStatus);
}

export function isFailed(status: StageStatus | BuildStatus): boolean {
  return failed.has(status as StageStatus);
}

/** A build's status from its stages' statuses, once all have finished (Drone's rule). */
export function buildStatusOf(stages: readonly Pick<StageRecord, 'status'>[]): BuildStatus {
  const statuses = stages.map((stage) => stage.status);
  if (statuses.includes('killed')) return 'killed';
  if (statuses.includes('error')) return 'error';
  if (statuses.includes('failure')) return 'failure';
  if (statuses.length > 0 && statuses.every((status) => status === 'skipped')) return 'skipped';
  return 'success';
}
