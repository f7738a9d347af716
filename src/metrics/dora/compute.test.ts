import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/index.ts';
import { computeDora } from './compute.ts';
import type { DeploymentRecord } from './types.ts';

const HOUR = 3600;
const at = (iso: string): Date => new Date(iso);
let counter = 0;

function deployment(
  when: string,
  options: { kind?: 'deploy' | 'rollback'; healthy?: boolean; commits?: [string, string][]; service?: string; environment?: string } = {},
): DeploymentRecord {
  counter += 1;
  return {
    id: `d${counter}`,
    service: options.service ?? 'api',
    environment: options.environment ?? 'production',
    kind: options.kind ?? 'deploy',
    deployedAt: at(when),
    healthy: options.healthy ?? true,
    commits: (options.commits ?? []).map(([sha, committedAt]) => ({ sha, committedAt: at(committedAt) })),
  };
}

const now = at('2026-11-22T12:00:00Z');

/**
 * A week of production deployments of `api` (window: 16 Nov 00:00 → 22 Nov 12:00 UTC):
 *
 * | id | at         | kind     | healthy | commits (committed)      | failed? | rework? |
 * | D1 | 16 10:00   | deploy   | yes     | c1 16 09:00, c2 15 10:00 |         |         |
 * | D2 | 17 10:00   | deploy   | no      | c3 17 08:00              | yes     |         |
 * | R1 | 17 10:30   | rollback | yes     |                          |         | yes     |
 * | D3 | 18 12:00   | deploy   | yes     | c4 18 11:00 (+c3 carried)|         |         |
 * | D4 | 19 12:00   | deploy   | yes     | c5 19 11:30              | yes (R2)|         |
 * | R2 | 19 13:00   | rollback | no      |                          | yes     | yes     |
 * | D5 | 19 15:00   | deploy   | yes     | c6 19 14:00              |         | yes     |
 * | D6 | 21 09:00   | deploy   | no      |                          | yes     |         |
 */
function scriptedWeek(): DeploymentRecord[] {
  return [
    deployment('2026-11-16T10:00:00Z', { commits: [['c1', '2026-11-16T09:00:00Z'], ['c2', '2026-11-15T10:00:00Z']] }),
    deployment('2026-11-17T10:00:00Z', { healthy: false, commits: [['c3', '2026-11-17T08:00:00Z']] }),
    deployment('2026-11-17T10:30:00Z', { kind: 'rollback' }),
    deployment('2026-11-18T12:00:00Z', { commits: [['c4', '2026-11-18T11:00:00Z']] }),
    deployment('2026-11-19T12:00:00Z', { commits: [['c5', '2026-11-19T11:30:00Z']] }),
    deployment('2026-11-19T13:00:00Z', { kind: 'rollback', healthy: false }),
    deployment('2026-11-19T15:00:00Z', { commits: [['c6', '2026-11-19T14:00:00Z']] }),
    deployment('2026-11-21T09:00:00Z', { healthy: false }),
  ];
}

describe('computeDora on a scripted week', () => {
  const { summary, series } = computeDora(scriptedWeek(), { days: 7, now });

  it('counts deployments and their frequency', () => {
    assert.equal(summary.since, '2026-11-16T00:00:00.000Z');
    assert.equal(summary.until, '2026-11-22T12:00:00.000Z');
    assert.equal(summary.deployments, 8);
    assert.equal(summary.deploymentFrequencyPerDay, 8 / 7);
    assert.equal(summary.rollbacks, 2);
  });

  it('takes lead times per commit, carrying an unhealthy deploy’s commits to the next healthy one', () => {
    // D1: c1 1 h, c2 24 h; D3: c3 28 h (17 08:00 → 18 12:00), c4 1 h; D4: c5 0.5 h; D5: c6 1 h.
    // Sorted: 0.5 1 1 1 24 28 hours → median (1 h + 1 h) / 2, p90 rank ceil(5.4) = 6th = 28 h.
    assert.deepEqual(summary.leadTimeSeconds, { median: HOUR, p90: 28 * HOUR });
  });

  it('counts unhealthy deployments and deployments undone by a rollback as failures', () => {
    // D2, D4 (rolled back by R2), R2 (unhealthy), D6.
    assert.equal(summary.failures, 4);
    assert.equal(summary.changeFailureRate, 4 / 8);
  });

  it('measures restore from the first failed deployment to the next one that did not fail', () => {
    // D2 → R1: 30 min; D4 (R2 also failed) → D5: 3 h; D6 never restored.
    assert.equal(summary.incidents, 3);
    assert.equal(summary.restored, 2);
    assert.deepEqual(summary.timeToRestoreSeconds, { median: (0.5 * HOUR + 3 * HOUR) / 2 });
  });

  it('counts rollbacks and fixes made after a failure as rework', () => {
    // R1, R2, D5 (after the failed R2).
    assert.equal(summary.reworkDeployments, 3);
    assert.equal(summary.reworkRate, 3 / 8);
  });

  it('places each key in its DORA band', () => {
    assert.deepEqual(summary.bands, { deploymentFrequency: 'elite', leadTime: 'elite', changeFailureRate: 'low', timeToRestore: 'high' });
  });

  it('splits the window into UTC days', () => {
    assert.deepEqual(
      series.map((point) => point.date),
      ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22'],
    );
    assert.deepEqual(series[1], {
      date: '2026-11-17',
      deployments: 2,
      failures: 1,
      rollbacks: 1,
      reworkDeployments: 1,
      leadTimeMedianSeconds: null,
      timeToRestoreMedianSeconds: 0.5 * HOUR,
    });
    assert.deepEqual(series[3], {
      date: '2026-11-19',
      deployments: 3,
      failures: 2,
      rollbacks: 1,
      reworkDeployments: 2,
      leadTimeMedianSeconds: (0.5 * HOUR + HOUR) / 2,
      timeToRestoreMedianSeconds: 3 * HOUR,
    });
    assert.equal(series[0]!.leadTimeMedianSeconds, (HOUR + 24 * HOUR) / 2);
    assert.equal(series[4]!.deployments, 0);
    assert.equal(series[5]!.failures, 1);
    assert.equal(series[5]!.timeToRestoreMedianSeconds, null);
  });
});

describe('computeDora filters', () => {
  const records = [
    ...scriptedWeek(),
    deployment('2026-11-20T10:00:00Z', { service: 'web', commits: [['w1', '2026-11-20T09:00:00Z']] }),
    deployment('2026-11-20T11:00:00Z', { environment: 'staging', healthy: false }),
    deployment('2026-11-20T11:30:00Z', { environment: 'staging' }),
  ];

  it('keeps one service and environment', () => {
    assert.equal(computeDora(records, { days: 7, now, service: 'web' }).summary.deployments, 1);
    assert.equal(computeDora(records, { days: 7, now, environment: 'staging' }).summary.deployments, 2);
    assert.equal(computeDora(records, { days: 7, now, service: 'api', environment: 'production' }).summary.deployments, 8);
  });

  it('keeps streams apart across services and environments', () => {
    const { summary } = computeDora(records, { days: 7, now });
    assert.equal(summary.deployments, 11);
    // The staging failure is restored by the staging deploy (30 min), not by anything in production.
    assert.equal(summary.failures, 5);
    assert.equal(summary.incidents, 4);
    assert.deepEqual(summary.timeToRestoreSeconds, { median: HOUR / 2 });
    assert.equal(summary.reworkDeployments, 4);
  });
});

describe('computeDora edge cases', () => {
  it('reports nothing known without deployments', () => {
    const { summary, series } = computeDora([], { days: 30, now });
    assert.equal(summary.deployments, 0);
    assert.equal(summary.deploymentFrequencyPerDay, 0);
    assert.equal(summary.leadTimeSeconds, null);
    assert.equal(summary.changeFailureRate, null);
    assert.equal(summary.timeToRestoreSeconds, null);
    assert.equal(summary.reworkRate, null);
    assert.deepEqual(summary.bands, { deploymentFrequency: 'low', leadTime: null, changeFailureRate: null, timeToRestore: null });
    assert.equal(series.length, 30);
    assert.ok(series.every((point) => point.deployments === 0));
  });

  it('leaves a failure that was never restored out of the restore time', () => {
    const { summary } = computeDora([deployment('2026-11-22T08:00:00Z', { healthy: false })], { days: 7, now });
    assert.equal(summary.failures, 1);
    assert.equal(summary.changeFailureRate, 1);
    assert.equal(summary.incidents, 1);
    assert.equal(summary.restored, 0);
    assert.equal(summary.timeToRestoreSeconds, null);
  });

  it('handles a rollback right after a failed deploy', () => {
    const { summary } = computeDora(
      [deployment('2026-11-22T10:00:00Z', { healthy: false, commits: [['x', '2026-11-22T09:00:00Z']] }), deployment('2026-11-22T10:05:00Z', { kind: 'rollback' })],
      { days: 7, now },
    );
    assert.equal(summary.deployments, 2);
    assert.equal(summary.failures, 1);
    assert.equal(summary.changeFailureRate, 1 / 2);
    assert.deepEqual(summary.timeToRestoreSeconds, { median: 300 });
    assert.equal(summary.reworkRate, 1 / 2);
    assert.equal(summary.leadTimeSeconds, null); // the commit never ran healthy
  });

  it('counts a healthy deployment that was rolled back as failed', () => {
    const { summary } = computeDora([deployment('2026-11-22T10:00:00Z'), deployment('2026-11-22T11:00:00Z', { kind: 'rollback' })], { days: 7, now });
    assert.equal(summary.failures, 1);
    assert.deepEqual(summary.timeToRestoreSeconds, { median: HOUR });
  });

  it('includes both ends of the window and ignores what is after now', () => {
    const records = [
      deployment('2026-11-15T23:59:59.999Z'),
      deployment('2026-11-16T00:00:00.000Z'),
      deployment('2026-11-22T12:00:00.000Z'),
      deployment('2026-11-22T12:00:00.001Z', { kind: 'rollback' }),
    ];
    const { summary } = computeDora(records, { days: 7, now });
    assert.equal(summary.deployments, 2);
    assert.equal(summary.failures, 0); // the rollback after now is not known yet
  });

  it('uses deployments before the window as context only', () => {
    const records = [
      deployment('2026-11-15T22:00:00Z', { healthy: false, commits: [['old', '2026-11-15T21:00:00Z']] }),
      deployment('2026-11-16T01:00:00Z', { commits: [['new', '2026-11-16T00:30:00Z']] }),
    ];
    const { summary } = computeDora(records, { days: 7, now });
    assert.equal(summary.deployments, 1);
    assert.equal(summary.failures, 0);
    assert.equal(summary.incidents, 0); // the incident started before the window
    assert.equal(summary.timeToRestoreSeconds, null);
    assert.equal(summary.reworkDeployments, 1); // it fixed the earlier failure
    // 'old' ran first at 01:00 (4 h after its commit), 'new' after 30 min.
    assert.deepEqual(summary.leadTimeSeconds, { median: (4 * HOUR + 0.5 * HOUR) / 2, p90: 4 * HOUR });
  });

  it('counts a commit once, at the first healthy deploy that ran it', () => {
    const records = [
      deployment('2026-11-20T10:00:00Z', { commits: [['a', '2026-11-20T09:00:00Z']] }),
      deployment('2026-11-20T11:00:00Z', { kind: 'rollback' }),
      deployment('2026-11-20T12:00:00Z', { commits: [['a', '2026-11-20T09:00:00Z']] }),
    ];
    assert.deepEqual(computeDora(records, { days: 7, now }).summary.leadTimeSeconds, { median: HOUR, p90: HOUR });
  });

  it('counts a commit dated after its deployment (clock skew) as no lead time', () => {
    const records = [deployment('2026-11-20T10:00:00Z', { commits: [['a', '2026-11-20T10:05:00Z']] })];
    assert.deepEqual(computeDora(records, { days: 7, now }).summary.leadTimeSeconds, { median: 0, p90: 0 });
  });

  it('orders records by time whatever order they come in', () => {
    const inOrder = scriptedWeek();
    const shuffled = [...inOrder].reverse();
    assert.deepEqual(computeDora(shuffled, { days: 7, now }).summary, computeDora(inOrder, { days: 7, now }).summary);
  });

  it('refuses a window that is not a positive whole number of days', () => {
    assert.throws(() => computeDora([], { days: 0, now }), ConfigError);
    assert.throws(() => computeDora([], { days: 1.5, now }), ConfigError);
  });
});
