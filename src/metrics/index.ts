export { computeDora } from './dora/compute.ts';
export { doraWindows } from './dora/types.ts';
export type {
  DeploymentRecord,
  DeploymentHistory,
  DeploymentHistoryQuery,
  DoraBand,
  DoraBands,
  DoraQuery,
  DoraReport,
  DoraSeriesPoint,
  DoraSummary,
  DoraWindow,
} from './dora/types.ts';
