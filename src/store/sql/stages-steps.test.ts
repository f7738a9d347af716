import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConflictError, NotFoundError } from '../../core/index.ts';
import { openTestStore } from '../test-store.test-helper.ts';
import type { BuildRecord, Store } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-stages-'));
let store: Store;
let build: BuildRecord;
let time = 5_000;
before(async () => {
  store = await openTestStore({ path: join(dir, 'db.sqlite'), secretKey: Buffer.alloc(32, 4), clock: { now: () => time } });
  const repo = await store.repos.create({ namespace: 'acme', name: 'api', cloneUrl: 'x' });
  build = await store.builds.create({ repoId: repo.id, event: 'push', ref: 'refs/heads/main', branch: 'main', commitSha: 'c'.repeat(40) });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('stages are created together, numbered in order, with JSON fields intact', async () => {
  const plan = { steps: [{ name: 'test', commands: ['npm test'] }], nested: { a: [1, 2, null] } };
  const stages = await store.stages.createMany(build.id, [
    { name: 'test', type: 'exec', plan, labels: { os: 'linux' }, concurrencyLimit: 2 },
    { name: 'deploy', dependsOn: ['test'], status: 'waiting' },
  ]);
  assert.deepEqual(stages.map((s) => [s.number, s.name, s.status]), [
    [1, 'test', 'pending'],
    [2, 'deploy', 'waiting'],
  ]);
  const [first, second] = stages;
  assert.deepEqual(first?.plan, plan);
  assert.deepEqual(first?.labels, { os: 'linux' });
  assert.equal(first?.concurrencyLimit, 2);
  assert.equal(first?.type, 'exec');
  assert.deepEqual(second?.dependsOn, ['test']);
  assert.equal(second?.type, 'docker');
  assert.equal(second?.plan, null);
  assert.deepEqual(await store.stages.get(first!.id), first);
  assert.deepEqual(await store.stages.listByBuild(build.id), stages);
});

test('createMany is all or nothing', async () => {
  const before = await store.stages.listByBuild(build.id);
  await assert.rejects(store.stages.createMany('missing-build', [{ name: 'x' }]), NotFoundError);
  const repo = await store.repos.create({ namespace: 'acme', name: 'atomic', cloneUrl: 'x' });
  const other = await store.builds.create({ repoId: repo.id, event: 'push', ref: 'r', branch: 'main', commitSha: 'c' });
  await store.stages.createMany(other.id, [{ name: 'a' }]);
  // A second createMany collides on number 1: nothing of it may remain.
  await assert.rejects(store.stages.createMany(other.id, [{ name: 'b' }, { name: 'c' }]), ConflictError);
  assert.deepEqual((await store.stages.listByBuild(other.id)).map((s) => s.name), ['a']);
  assert.deepEqual(await store.stages.listByBuild(build.id), before);
});

test('stage update stamps times, sets the machine and honours ifStatus', async () => {
  const [stage] = await store.stages.listByBuild(build.id);
  time = 6_000;
  const running = await store.stages.update(stage!.id, { status: 'running', machine: 'runner-1' });
  assert.equal(running.startedAt, 6_000);
  assert.equal(running.machine, 'runner-1');
  time = 7_000;
  const done = await store.stages.update(stage!.id, { status: 'failure', exitCode: 2, error: 'exit 2' }, { ifStatus: ['running'] });
  assert.equal(done.finishedAt, 7_000);
  assert.equal(done.exitCode, 2);
  await assert.rejects(store.stages.update(stage!.id, { status: 'running' }, { ifStatus: ['pending', 'waiting'] }), ConflictError);
  const waiting = await store.stages.listByStatus(['waiting']);
  assert.ok(waiting.some((s) => s.name === 'deploy'));
  assert.ok(!waiting.some((s) => s.id === stage!.id));
  assert.deepEqual(
    (await store.stages.listByStatus(['failure'])).map((s) => s.id),
    [stage!.id],
  );
});

test('steps: createMany, listByStage, find, update', async () => {
  const [stage] = await store.stages.listByBuild(build.id);
  const steps = await store.steps.createMany(stage!.id, [
    { name: 'clone' },
    { name: 'db', detached: true },
    { name: 'lint', errorIgnored: true },
  ]);
  assert.deepEqual(steps.map((s) => [s.number, s.name, s.status, s.detached, s.errorIgnored]), [
    [1, 'clone', 'pending', false, false],
    [2, 'db', 'pending', true, false],
    [3, 'lint', 'pending', false, true],
  ]);
  assert.deepEqual(await store.steps.listByStage(stage!.id), steps);
  assert.deepEqual(await store.steps.find(stage!.id, 'db'), steps[1]);
  assert.equal(await store.steps.find(stage!.id, 'nope'), undefined);

  time = 8_000;
  const running = await store.steps.update(steps[0]!.id, { status: 'running' });
  assert.equal(running.startedAt, 8_000);
  time = 9_000;
  const done = await store.steps.update(steps[0]!.id, { status: 'success', exitCode: 0 });
  assert.equal(done.exitCode, 0);
  assert.equal(done.finishedAt, 9_000);
  await assert.rejects(store.steps.update(steps[0]!.id, { status: 'killed' }, { ifStatus: ['running'] }), ConflictError);
  await assert.rejects(store.steps.update('missing', { status: 'killed' }), NotFoundError);
});

test('step names are unique within a stage', async () => {
  const [, stage] = await store.stages.listByBuild(build.id);
  await assert.rejects(store.steps.createMany(stage!.id, [{ name: 'a' }, { name: 'a' }]), ConflictError);
  assert.deepEqual(await store.steps.listByStage(stage!.id), []);
});
