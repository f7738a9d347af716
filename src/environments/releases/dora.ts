/**
 * Release records in the shape delivery metrics read (`DeploymentRecord`
 * of the metrics module, declared there; repeated structurally here so the
 * modules stay independent).
 */
import type { ReleaseRecord } from '../../store/index.ts';

export interface DeploymentHistoryEntry {
  id: string;
  service: string;
  environment: string;
  kind: 'deploy' | 'rollback';
  deployedAt: Date;
  healthy: boolean;
  commits: { sha: string; committedAt: Date }[];
}

export function toDeploymentRecord(release: ReleaseRecord): DeploymentHistoryEntry {
  return {
    id: release.id,
    service: release.service,
    environment: release.environment,
    kind: release.kind,
    deployedAt: new Date(release.deployedAt),
    healthy: release.healthy,
    commits: release.commits.map((c) => ({ sha: c.sha, committedAt: new Date(c.committedAt) })),
  };
}

/** Oldest first, as metrics walk history forwards. */
export function deploymentHistory(releases: readonly ReleaseRecord[]): DeploymentHistoryEntry[] {
  return [...releases].sort((a, b) => a.deployedAt - b.deployedAt).map(toDeploymentRecord);
}
