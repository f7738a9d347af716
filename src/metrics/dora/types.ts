/** One deployment of a service to an environment, as DORA's figures need it. */
export interface DeploymentRecord {
  id: string;
  service: string;
  environment: string;
  /** `rollback`: the deployment restored an earlier version. */
  kind: 'deploy' | 'rollback';
  /** When the sync finished (the version was running). */
  deployedAt: Date;
  /** `false`: the sync failed or the application went Degraded after it. */
  healthy: boolean;
  /** Commits this deployment brought (since the previous one); may be empty when unknown. */
  commits: { sha: string; committedAt: Date }[];
}

export interface DeploymentHistoryQuery {
  /** Deployments that finished at or after this time. */
  since: Date;
  service?: string;
  environment?: string;
}

/** Where deployment records come from; swappable (sync history today, release records later). */
export interface DeploymentHistory {
  /** Oldest first is not required: the engine sorts. */
  list(query: DeploymentHistoryQuery): Promise<DeploymentRecord[]>;
}

export const doraWindows = [7, 30, 90] as const;
export type DoraWindow = (typeof doraWindows)[number];

export interface DoraQuery {
  service?: string;
  environment?: string;
  /** Length of the window in UTC calendar days, today included. */
  days: number;
  now: Date;
}

/** DORA's performance clusters; `null` when the figure is unknown. */
export type DoraBand = 'elite' | 'high' | 'medium' | 'low';

export interface DoraBands {
  deploymentFrequency: DoraBand | null;
  leadTime: DoraBand | null;
  changeFailureRate: DoraBand | null;
  timeToRestore: DoraBand | null;
}

export interface DoraSummary {
  /** The window: from the start of the first UTC day to `now`. */
  since: string;
  until: string;
  days: number;
  /** Deployments (deploys and rollbacks) that finished in the window. */
  deployments: number;
  deploymentFrequencyPerDay: number;
  /** Per commit; `null` when no deployment in the window carried a known commit. */
  leadTimeSeconds: { median: number; p90: number } | null;
  /** `failures / deployments`; `null` without deployments. */
  changeFailureRate: number | null;
  /** Per incident that started in the window and was restored; `null` when none was. */
  timeToRestoreSeconds: { median: number } | null;
  /** `reworkDeployments / deployments`; `null` without deployments. */
  reworkRate: number | null;
  /** Failed deployments in the window. */
  failures: number;
  rollbacks: number;
  reworkDeployments: number;
  /** Incidents (runs of consecutive failed deployments) that started in the window. */
  incidents: number;
  /** Of those, how many a later healthy deployment ended. */
  restored: number;
  bands: DoraBands;
}

/** One UTC day of the window, for charts. */
export interface DoraSeriesPoint {
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  deployments: number;
  failures: number;
  rollbacks: number;
  reworkDeployments: number;
  leadTimeMedianSeconds: number | null;
  /** Median restore time of incidents that started this day and were restored. */
  timeToRestoreMedianSeconds: number | null;
}

export interface DoraReport {
  summary: DoraSummary;
  series: DoraSeriesPoint[];
}
