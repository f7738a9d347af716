import assert from 'node:assert/strict';
import { it } from 'node:test';
import { computeDora, type DeploymentRecord } from '../../metrics/index.ts';
import { duration, formatDora } from './metrics.ts';

it('writes durations with their two largest units', () => {
  assert.equal(duration(0), '0s');
  assert.equal(duration(45), '45s');
  assert.equal(duration(725), '12m 5s');
  assert.equal(duration(3600), '1h');
  assert.equal(duration(3 * 3600 + 20 * 60 + 7), '3h 20m');
  assert.equal(duration(2 * 86_400 + 4 * 3600 + 60), '2d 4h');
});

it('prints the DORA summary with its bands', () => {
  const record = (id: string, at: string, healthy: boolean): DeploymentRecord => ({
    id,
    service: 'api',
    environment: 'production',
    kind: 'deploy',
    deployedAt: new Date(at),
    healthy,
    commits: [{ sha: id, committedAt: new Date(Date.parse(at) - 1800_000) }],
  });
  const { summary } = computeDora([record('a', '2026-11-21T10:00:00Z', false), record('b', '2026-11-21T10:20:00Z', true)], {
    days: 7,
    now: new Date('2026-11-22T12:00:00Z'),
  });
  assert.equal(
    formatDora(summary, { service: 'api' }),
    [
      'DORA metrics for api in all environments, last 7 days (2026-11-16 to 2026-11-22)',
      '  deployments            2 (0 rollbacks)',
      '  deployment frequency   0.29/day (high)',
      '  lead time for changes  median 40m, p90 50m (elite)', // b after 30 min, a (carried) after 50
      '  change failure rate    50% (1 failed) (low)',
      '  time to restore        median 20m (1 of 1 incidents restored) (elite)',
      '  rework rate            50% (1 deployments)',
      '',
    ].join('\n'),
  );
});
