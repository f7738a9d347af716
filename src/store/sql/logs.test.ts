import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { NotFoundError } from '../../core/index.ts';
import { openTestStore } from '../test-store.test-helper.ts';
import type { LogLine, Store } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-logs-'));
let store: Store;
let stepIds: string[];
before(async () => {
  store = await openTestStore({ path: join(dir, 'db.sqlite'), secretKey: Buffer.alloc(32, 5) });
  const repo = await store.repos.create({ namespace: 'acme', name: 'api', cloneUrl: 'x' });
  const build = await store.builds.create({ repoId: repo.id, event: 'push', ref: 'r', branch: 'main', commitSha: 'c' });
  const [stage] = await store.stages.createMany(build.id, [{ name: 'default' }]);
  const steps = await store.steps.createMany(stage!.id, [{ name: 'a' }, { name: 'b' }, { name: 'big' }]);
  stepIds = steps.map((s) => s.id);
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function lines(from: number, count: number): LogLine[] {
  return Array.from({ length: count }, (_, i) => ({ pos: from + i, time: 1_000 + from + i, out: `line ${from + i}\n` }));
}

test('append and read back in order, per step', async () => {
  const [a, b] = stepIds;
  await store.logs.append(a!, lines(0, 3));
  await store.logs.append(b!, [{ pos: 0, time: 5, out: 'other' }]);
  await store.logs.append(a!, lines(3, 2));
  assert.deepEqual(await store.logs.read(a!), lines(0, 5));
  assert.deepEqual(await store.logs.read(b!), [{ pos: 0, time: 5, out: 'other' }]);
  assert.equal(await store.logs.count(a!), 5);
});

test('a retried batch does not duplicate lines', async () => {
  const [a] = stepIds;
  await store.logs.append(a!, lines(3, 4));
  assert.deepEqual(await store.logs.read(a!), lines(0, 7));
  await store.logs.append(a!, []);
  assert.equal(await store.logs.count(a!), 7);
});

test('read from an offset with a limit', async () => {
  const [a] = stepIds;
  assert.deepEqual(await store.logs.read(a!, { from: 2, limit: 3 }), lines(2, 3));
  assert.deepEqual(await store.logs.read(a!, { from: 6 }), lines(6, 1));
  assert.deepEqual(await store.logs.read(a!, { from: 100 }), []);
});

test('deleteByStep removes only that step', async () => {
  const [a, b] = stepIds;
  await store.logs.deleteByStep(b!);
  assert.equal(await store.logs.count(b!), 0);
  assert.equal(await store.logs.count(a!), 7);
});

test('appending to an unknown step is NotFound', async () => {
  await assert.rejects(store.logs.append('missing', lines(0, 1)), NotFoundError);
});

test('a 100k-line log is stored and paged', async () => {
  const big = stepIds[2]!;
  for (let from = 0; from < 100_000; from += 10_000) await store.logs.append(big, lines(from, 10_000));
  assert.equal(await store.logs.count(big), 100_000);
  const page = await store.logs.read(big, { from: 99_990, limit: 50 });
  assert.deepEqual(page, lines(99_990, 10));
});
