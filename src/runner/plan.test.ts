import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../core/index.ts';
import type { PlanPipeline, PlanStep } from '../pipeline/index.ts';
import { pipeline, step } from './fixtures.test.ts';
import { runPlan } from './plan.ts';
import type { PlanObserver, PlanPipelineResult } from './results.ts';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'trunkline-plan-'));
});
after(() => rm(root, { recursive: true, force: true }));

class PlanRecorder implements PlanObserver {
  readonly events: string[] = [];
  pipelineStarted(p: PlanPipeline): void {
    this.events.push(`start ${p.name}`);
  }
  pipelineFinished(p: PlanPipeline, result: PlanPipelineResult): void {
    this.events.push(`finish ${p.name} ${result.status}`);
  }
  stepStarted(p: PlanPipeline, s: PlanStep): void {
    this.events.push(`start ${p.name}/${s.name}`);
  }
  stepLog(): void {}
  stepFinished(p: PlanPipeline, s: PlanStep): void {
    this.events.push(`finish ${p.name}/${s.name}`);
  }
}

const execute = (pipelines: PlanPipeline[], recorder = new PlanRecorder()) =>
  runPlan({
    plan: { pipelines },
    secrets: {},
    observer: recorder,
    logger: silentLogger,
    backendConfig: { exec: { root } },
  });

test('runs pipelines after their dependencies; a failed dependency skips on-success dependents', async () => {
  const recorder = new PlanRecorder();
  const result = await execute(
    [
      pipeline('build', [step('compile', ['true'])]),
      pipeline('test', [step('unit', ['exit 1'])], { dependsOn: ['build'] }),
      pipeline('deploy', [step('ship', ['true'])], { dependsOn: ['test'] }),
      pipeline('notify', [step('tell', ['true'])], { dependsOn: ['test'], runPolicy: 'on-failure' }),
      pipeline('docs', [step('publish', ['true'])], { runPolicy: 'never', skipReason: 'trigger does not match' }),
    ],
    recorder,
  );
  const status = Object.fromEntries(result.pipelines.map((p) => [p.name, p.result.status]));
  assert.deepEqual(status, { build: 'success', test: 'failure', deploy: 'skipped', notify: 'success', docs: 'skipped' });
  assert.equal(result.status, 'failure');
  const deploy = result.pipelines.find((p) => p.name === 'deploy')?.result;
  assert.equal(deploy?.status === 'skipped' ? deploy.reason : undefined, 'skipped because its dependency "test" failed');
  assert.equal(deploy?.steps[0]?.result.status, 'skipped');
  const ev = recorder.events;
  assert.ok(ev.indexOf('finish build success') < ev.indexOf('start test'));
  assert.ok(ev.includes('start test/unit'));
  assert.ok(!ev.includes('start deploy'));
  assert.ok(ev.includes('finish deploy skipped'));
});

test('runs independent pipelines concurrently', async () => {
  const marker = await mkdtemp(join(tmpdir(), 'trunkline-plan-sync-'));
  const waitFor = (file: string) =>
    `i=0; while [ ! -e ${file} ]; do i=$((i+1)); [ $i -gt 400 ] && exit 1; sleep 0.05; done`;
  try {
    const result = await execute([
      pipeline('a', [step('a', [`touch ${marker}/a`, waitFor(`${marker}/b`)])]),
      pipeline('b', [step('b', [`touch ${marker}/b`, waitFor(`${marker}/a`)])]),
    ]);
    assert.equal(result.status, 'success');
  } finally {
    await rm(marker, { recursive: true, force: true });
  }
});

test('a pipeline whose type has no backend fails with a clear error; its dependents are skipped', async () => {
  const result = await execute([
    pipeline('build', [step('compile', ['true'])], { type: 'ssh' }),
    pipeline('after', [step('x', ['true'])], { dependsOn: ['build'] }),
  ]);
  const build = result.pipelines[0]?.result;
  assert.equal(build?.status, 'error');
  assert.equal(
    build?.status === 'error' ? build.error : undefined,
    'pipeline "build" has type "ssh", which this runner cannot run: no backend for this type is known here; use "type: exec" or "type: docker" or a runner with a backend for type "ssh"',
  );
  assert.equal(result.pipelines[1]?.result.status, 'skipped');
  assert.equal(result.status, 'error');
});
