import { ConfigError } from '../../core/index.ts';
import { bandsOf } from './bands.ts';
import { chronological, classifyStream, streamKey, type ClassifiedDeployment } from './classify.ts';
import { median, percentile } from './stats.ts';
import type { DeploymentRecord, DoraQuery, DoraReport, DoraSeriesPoint } from './types.ts';
import { dateOf, inWindow, windowOf } from './window.ts';

/**
 * DORA's keys over a window of `days` UTC days ending `now`, computed from
 * deployment records only, for one service and/or environment or across all
 * (each service × environment is a stream of its own: a failure is restored,
 * and a deployment reworks, within its stream).
 *
 * Records before the window are context only (whether a deployment in the
 * window follows a failure, which commits already ran); records after `now`
 * are ignored. With W the deployments that finished in the window:
 *
 * - deployments = |W| (deploys and rollbacks); deployment frequency = |W| / days.
 * - lead time for changes: per commit, the time from the commit to the first
 *   healthy deploy that ran it (see `ClassifiedDeployment.leadTimesSeconds`),
 *   over the deploys in W; median and p90 (nearest rank) in seconds. Commits
 *   of unknown time (records without commits) do not count.
 * - change failure rate = failed / |W|, a deployment being failed when it was
 *   unhealthy or the next deployment of its stream was a rollback.
 * - time to restore: an incident is a run of consecutive failed deployments
 *   of a stream; it lasts from its first failed deployment to the next
 *   deployment of the stream that did not fail. Median over the incidents
 *   that started in W and were restored by `now`; unrestored ones are
 *   counted in `incidents` but not in the median.
 * - rework rate = rework / |W|, rework being rollbacks and deployments made
 *   while the stream's previous deployment had failed (fixes forward,
 *   including the restoring one).
 *
 * `series` holds the same counts per UTC day of the window, with the lead
 * times of that day's deploys and the restore times of incidents that started
 * that day.
 */
export function computeDora(records: readonly DeploymentRecord[], query: DoraQuery): DoraReport {
  if (!Number.isInteger(query.days) || query.days < 1) throw new ConfigError(`days must be a positive whole number, got ${query.days}`);
  const range = windowOf(query.days, query.now);
  const matching = records.filter(
    (record) =>
      (query.service === undefined || record.service === query.service) &&
      (query.environment === undefined || record.environment === query.environment) &&
      record.deployedAt.getTime() <= range.until.getTime(),
  );
  const windowed = classifyAll(matching).filter((entry) => inWindow(entry.record.deployedAt, range));

  const totals = tally(windowed);
  const leadTimes = windowed.flatMap((entry) => entry.leadTimesSeconds);
  const restoreTimes = restoreTimesOf(windowed);
  const deployments = windowed.length;
  const deploymentFrequencyPerDay = deployments / query.days;
  const leadMedian = median(leadTimes);
  const restoreMedian = median(restoreTimes);
  const changeFailureRate = deployments === 0 ? null : totals.failures / deployments;

  const byDate = Map.groupBy(windowed, (entry) => dateOf(entry.record.deployedAt));
  const series = range.dates.map((date): DoraSeriesPoint => {
    const day = byDate.get(date) ?? [];
    const counts = tally(day);
    return {
      date,
      deployments: day.length,
      failures: counts.failures,
      rollbacks: counts.rollbacks,
      reworkDeployments: counts.rework,
      leadTimeMedianSeconds: median(day.flatMap((entry) => entry.leadTimesSeconds)),
      timeToRestoreMedianSeconds: median(restoreTimesOf(day)),
    };
  });

  return {
    summary: {
      since: range.since.toISOString(),
      until: range.until.toISOString(),
      days: query.days,
      deployments,
      deploymentFrequencyPerDay,
      leadTimeSeconds: leadMedian === null ? null : { median: leadMedian, p90: percentile(leadTimes, 90)! },
      changeFailureRate,
      timeToRestoreSeconds: restoreMedian === null ? null : { median: restoreMedian },
      reworkRate: deployments === 0 ? null : totals.rework / deployments,
      failures: totals.failures,
      rollbacks: totals.rollbacks,
      reworkDeployments: totals.rework,
      incidents: windowed.filter((entry) => entry.incidentStart).length,
      restored: restoreTimes.length,
      bands: bandsOf({ deploymentFrequencyPerDay, leadTimeMedianSeconds: leadMedian, changeFailureRate, timeToRestoreMedianSeconds: restoreMedian }),
    },
    series,
  };
}

function classifyAll(records: readonly DeploymentRecord[]): ClassifiedDeployment[] {
  const streams = Map.groupBy(chronological(records), streamKey);
  return [...streams.values()].flatMap(classifyStream);
}

function tally(entries: readonly ClassifiedDeployment[]): { failures: number; rollbacks: number; rework: number } {
  return {
    failures: entries.filter((entry) => entry.failed).length,
    rollbacks: entries.filter((entry) => entry.record.kind === 'rollback').length,
    rework: entries.filter((entry) => entry.rework).length,
  };
}

function restoreTimesOf(entries: readonly ClassifiedDeployment[]): number[] {
  return entries.flatMap((entry) =>
    entry.incidentStart && entry.restoredBy ? [(entry.restoredBy.deployedAt.getTime() - entry.record.deployedAt.getTime()) / 1000] : [],
  );
}
