import type { DeploymentRecord } from './types.ts';

/** A deployment with what DORA's figures need to know about it, given its stream's history. */
export interface ClassifiedDeployment {
  record: DeploymentRecord;
  /**
   * A failed deployment: it was not healthy (the sync failed or the
   * application went Degraded), or the next deployment of the same service to
   * the same environment was a rollback (it had to be undone).
   */
  failed: boolean;
  /**
   * Unplanned work caused by a failure (DORA's rework, 2024): a rollback, or
   * any deployment made while the previous deployment of the stream had failed
   * (a fix forward, including the one that restores service).
   */
  rework: boolean;
  /** A failed deployment whose predecessor in the stream had not failed: it starts an incident. */
  incidentStart: boolean;
  /** For an incident start: the first later deployment of the stream that did not fail (service restored). */
  restoredBy?: DeploymentRecord;
  /**
   * Lead times in seconds of the commits that started running with this
   * deployment: set on healthy `deploy`s only, each commit counted once per
   * stream (at the first healthy deploy carrying it); commits of an unhealthy
   * deploy are carried to the stream's next healthy deploy, since that is when
   * they first ran. Negative spans (clock skew) count as 0.
   */
  leadTimesSeconds: number[];
}

/** Orders deployments by time (ties keep the given order). */
export function chronological(records: readonly DeploymentRecord[]): DeploymentRecord[] {
  return records
    .map((record, index) => ({ record, index }))
    .sort((a, b) => a.record.deployedAt.getTime() - b.record.deployedAt.getTime() || a.index - b.index)
    .map(({ record }) => record);
}

/** The stream a deployment belongs to: one service in one environment. */
export function streamKey(record: Pick<DeploymentRecord, 'service' | 'environment'>): string {
  return JSON.stringify([record.service, record.environment]);
}

/** Classifies the deployments of one stream, given in chronological order. */
export function classifyStream(stream: readonly DeploymentRecord[]): ClassifiedDeployment[] {
  const failed = stream.map((record, index) => !record.healthy || stream[index + 1]?.kind === 'rollback');
  const counted = new Set<string>();
  let carried: DeploymentRecord['commits'] = [];
  return stream.map((record, index) => {
    const previousFailed = index > 0 && failed[index - 1]!;
    const incidentStart = failed[index]! && !previousFailed;
    let restoredBy: DeploymentRecord | undefined;
    if (incidentStart) {
      const restoring = failed.findIndex((isFailed, later) => later > index && !isFailed);
      restoredBy = restoring === -1 ? undefined : stream[restoring];
    }
    const leadTimesSeconds: number[] = [];
    if (record.kind === 'deploy') {
      const commits = [...carried, ...record.commits];
      if (record.healthy) {
        carried = [];
        for (const commit of commits) {
          if (counted.has(commit.sha)) continue;
          counted.add(commit.sha);
          leadTimesSeconds.push(Math.max(0, (record.deployedAt.getTime() - commit.committedAt.getTime()) / 1000));
        }
      } else {
        carried = commits;
      }
    }
    return {
      record,
      failed: failed[index]!,
      rework: record.kind === 'rollback' || previousFailed,
      incidentStart,
      ...(restoredBy ? { restoredBy } : {}),
      leadTimesSeconds,
    };
  });
}
