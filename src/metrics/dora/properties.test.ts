import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { computeDora } from './compute.ts';
import type { DeploymentRecord } from './types.ts';

const now = new Date('2026-11-22T12:00:00Z');
const start = now.getTime() - 40 * 86_400_000;

const record = fc.record({
  service: fc.constantFrom('api', 'web'),
  environment: fc.constantFrom('staging', 'production'),
  kind: fc.constantFrom('deploy', 'rollback'),
  offsetMs: fc.integer({ min: 0, max: 41 * 86_400_000 }),
  healthy: fc.boolean(),
  commits: fc.array(fc.record({ sha: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), ageMs: fc.integer({ min: -60_000, max: 10 * 86_400_000 }) }), { maxLength: 3 }),
});

const history = fc.array(record, { maxLength: 40 }).map((entries) =>
  entries.map(
    (entry, index): DeploymentRecord => ({
      id: `d${index}`,
      service: entry.service,
      environment: entry.environment,
      kind: entry.kind as DeploymentRecord['kind'],
      deployedAt: new Date(start + entry.offsetMs),
      healthy: entry.healthy,
      commits: entry.commits.map((commit) => ({ sha: commit.sha, committedAt: new Date(start + entry.offsetMs - commit.ageMs) })),
    }),
  ),
);

it('keeps its figures consistent on any history', () => {
  fc.assert(
    fc.property(history, fc.constantFrom(7, 30, 90), (records, days) => {
      const { summary, series } = computeDora(records, { days, now });
      assert.ok(summary.failures <= summary.deployments);
      assert.ok(summary.restored <= summary.incidents && summary.incidents <= summary.failures);
      assert.ok(summary.rollbacks <= summary.reworkDeployments && summary.reworkDeployments <= summary.deployments);
      assert.equal(series.length, days);
      assert.equal(series.reduce((sum, point) => sum + point.deployments, 0), summary.deployments);
      assert.equal(series.reduce((sum, point) => sum + point.failures, 0), summary.failures);
      assert.equal(series.reduce((sum, point) => sum + point.reworkDeployments, 0), summary.reworkDeployments);
      if (summary.leadTimeSeconds) assert.ok(0 <= summary.leadTimeSeconds.median && summary.leadTimeSeconds.median <= summary.leadTimeSeconds.p90);
      if (summary.changeFailureRate !== null) assert.ok(summary.changeFailureRate >= 0 && summary.changeFailureRate <= 1);
      if (summary.timeToRestoreSeconds) assert.ok(summary.timeToRestoreSeconds.median >= 0);
    }),
  );
});

it('adds up per stream to the whole', () => {
  fc.assert(
    fc.property(history, (records) => {
      const whole = computeDora(records, { days: 30, now }).summary;
      const parts = ['api', 'web'].flatMap((service) =>
        ['staging', 'production'].map((environment) => computeDora(records, { days: 30, now, service, environment }).summary),
      );
      for (const key of ['deployments', 'failures', 'rollbacks', 'reworkDeployments', 'incidents', 'restored'] as const) {
        assert.equal(
          parts.reduce((sum, part) => sum + part[key], 0),
          whole[key],
          key,
        );
      }
    }),
  );
});
