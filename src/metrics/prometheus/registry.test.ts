import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { DeploymentRecord } from '../dora/types.ts';
import { createPrometheusMetrics } from './registry.ts';

const now = new Date('2026-11-22T12:00:00Z');

function deployment(id: string, deployedAt: string, healthy: boolean, kind: DeploymentRecord['kind'] = 'deploy'): DeploymentRecord {
  return { id, service: 'api', environment: 'production', kind, deployedAt: new Date(deployedAt), healthy, commits: [] };
}

function metricsWith(records: DeploymentRecord[]) {
  return createPrometheusMetrics({
    queueLength: () => Promise.resolve(3),
    applications: () =>
      Promise.resolve([
        { sync: 'Synced', health: 'Healthy' },
        { sync: 'Synced', health: 'Healthy' },
        { sync: 'OutOfSync', health: 'Degraded' },
      ]),
    history: { list: ({ since }) => Promise.resolve(records.filter((record) => record.deployedAt >= since)) },
    now: () => now,
  });
}

it('counts builds and steps by result with duration histograms', async () => {
  const metrics = metricsWith([]);
  metrics.events.buildFinished({ result: 'success', durationSeconds: 4 });
  metrics.events.buildFinished({ result: 'failure', durationSeconds: 40 });
  metrics.events.buildFinished({ result: 'killed' });
  metrics.events.stepFinished({ result: 'success', durationSeconds: 0.2 });
  metrics.events.stepFinished({ result: 'failure', durationSeconds: 3 });
  const text = await metrics.render();
  assert.match(text, /^trunkline_builds_total\{result="success"\} 1$/m);
  assert.match(text, /^trunkline_builds_total\{result="failure"\} 1$/m);
  assert.match(text, /^trunkline_builds_total\{result="killed"\} 1$/m);
  assert.match(text, /^trunkline_build_duration_seconds_bucket\{le="5",result="success"\} 1$/m);
  assert.match(text, /^trunkline_build_duration_seconds_bucket\{le="30",result="failure"\} 0$/m);
  assert.match(text, /^trunkline_build_duration_seconds_bucket\{le="60",result="failure"\} 1$/m);
  assert.match(text, /^trunkline_build_duration_seconds_sum\{result="failure"\} 40$/m);
  assert.doesNotMatch(text, /trunkline_build_duration_seconds_count\{result="killed"\}/);
  assert.match(text, /^trunkline_steps_total\{result="failure"\} 1$/m);
  assert.match(text, /^trunkline_step_duration_seconds_bucket\{le="0.5",result="success"\} 1$/m);
  assert.match(text, /^# TYPE trunkline_step_duration_seconds histogram$/m);
});

it('reads the queue, applications and DORA gauges at scrape time', async () => {
  const metrics = metricsWith([
    deployment('a', '2026-11-20T10:00:00Z', false),
    deployment('b', '2026-11-20T10:30:00Z', true, 'rollback'),
    deployment('c', '2026-11-21T10:00:00Z', true),
    deployment('d', '2026-11-21T11:00:00Z', true),
  ]);
  const text = await metrics.render();
  assert.match(text, /^trunkline_queue_length 3$/m);
  assert.match(text, /^trunkline_applications\{sync="Synced",health="Healthy"\} 2$/m);
  assert.match(text, /^trunkline_applications\{sync="OutOfSync",health="Degraded"\} 1$/m);
  assert.match(text, /^trunkline_dora_deployments\{service="api",environment="production"\} 4$/m);
  assert.match(text, new RegExp(`^trunkline_dora_deployment_frequency_per_day\\{service="api",environment="production"\\} ${4 / 30}$`, 'm'));
  assert.match(text, /^trunkline_dora_change_failure_ratio\{service="api",environment="production"\} 0.25$/m);
  assert.match(text, /^trunkline_dora_time_to_restore_seconds\{service="api",environment="production"\} 1800$/m);
  assert.match(text, /^trunkline_dora_rework_ratio\{service="api",environment="production"\} 0.25$/m);
  assert.doesNotMatch(text, /^trunkline_dora_lead_time_seconds\{/m); // no commit times known
});

it('keeps registries apart', async () => {
  const first = metricsWith([]);
  const second = metricsWith([]);
  first.events.buildFinished({ result: 'success', durationSeconds: 1 });
  assert.doesNotMatch(await second.render(), /trunkline_builds_total\{/);
});
