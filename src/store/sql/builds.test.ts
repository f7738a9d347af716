import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConflictError, NotFoundError } from '../../core/index.ts';
import { openTestStore } from '../test-store.test-helper.ts';
import type { BuildInput, RepoRecord, Store } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-builds-'));
const secretKey = Buffer.alloc(32, 3);
let store: Store;
let repo: RepoRecord;
let time = 10_000;
before(async () => {
  store = await openTestStore({ path: join(dir, 'db.sqlite'), secretKey, clock: { now: () => time } });
  repo = await store.repos.create({ namespace: 'acme', name: 'api', cloneUrl: 'x' });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function push(repoId: string, branch = 'main'): BuildInput {
  return { repoId, event: 'push', ref: `refs/heads/${branch}`, branch, commitSha: 'c'.repeat(40) };
}

test('create numbers builds per repository and fills defaults', async () => {
  const other = await store.repos.create({ namespace: 'acme', name: 'other', cloneUrl: 'x' });
  const first = await store.builds.create({ ...push(repo.id), params: { A: '1' }, authorLogin: 'ann', trigger: 'ann' });
  const second = await store.builds.create(push(repo.id));
  const elsewhere = await store.builds.create(push(other.id));
  assert.equal(second.number, first.number + 1);
  assert.equal(elsewhere.number, 1);
  assert.equal(first.status, 'pending');
  assert.deepEqual(first.params, { A: '1' });
  assert.equal(first.sourceBranch, 'main');
  assert.equal(first.targetBranch, 'main');
  assert.equal(first.authorLogin, 'ann');
  assert.equal(first.tag, undefined);
  assert.equal(first.createdAt, time);
  assert.deepEqual(await store.builds.get(first.id), first);
  assert.deepEqual(await store.builds.findByNumber(repo.id, first.number), first);
  assert.equal(await store.builds.findByNumber(repo.id, 9_999), undefined);
});

test('create for an unknown repository is NotFound and consumes no number', async () => {
  await assert.rejects(store.builds.create(push('missing')), NotFoundError);
});

test('optional fields round-trip', async () => {
  const build = await store.builds.create({
    ...push(repo.id, 'feature/x'),
    event: 'pull_request',
    action: 'opened',
    ref: 'refs/pull/7/head',
    sourceBranch: 'feature/x',
    targetBranch: 'main',
    pullRequest: 7,
    deployTo: 'staging',
    tag: 'v1.0.0',
    parentNumber: 1,
    message: 'feat: x',
    beforeSha: 'b'.repeat(40),
  });
  assert.equal(build.pullRequest, 7);
  assert.equal(build.deployTo, 'staging');
  assert.equal(build.tag, 'v1.0.0');
  assert.equal(build.parentNumber, 1);
  assert.equal(build.action, 'opened');
  assert.equal(build.sourceBranch, 'feature/x');
  assert.equal(build.targetBranch, 'main');
});

test('update stamps started and finished times on status transitions', async () => {
  const build = await store.builds.create(push(repo.id));
  time = 11_000;
  const running = await store.builds.update(build.id, { status: 'running' });
  assert.equal(running.startedAt, 11_000);
  assert.equal(running.finishedAt, undefined);
  time = 12_000;
  const done = await store.builds.update(build.id, { status: 'failure', error: 'step test failed' });
  assert.equal(done.startedAt, 11_000);
  assert.equal(done.finishedAt, 12_000);
  assert.equal(done.error, 'step test failed');
  assert.equal(done.updatedAt, 12_000);
  const cleared = await store.builds.update(build.id, { error: null, finishedAt: 12_500 });
  assert.equal(cleared.error, undefined);
  assert.equal(cleared.finishedAt, 12_500);
  await assert.rejects(store.builds.update('missing', { status: 'running' }), NotFoundError);
});

test('update with ifStatus is a compare-and-set', async () => {
  const build = await store.builds.create(push(repo.id));
  await store.builds.update(build.id, { status: 'killed' }, { ifStatus: ['pending', 'running'] });
  await assert.rejects(
    store.builds.update(build.id, { status: 'running' }, { ifStatus: ['pending'] }),
    (error: unknown) => error instanceof ConflictError && /is killed/.test(error.message),
  );
  assert.equal((await store.builds.get(build.id)).status, 'killed');
});

test('list filters, pages and orders newest first; listByStatus oldest first', async () => {
  const own = await store.repos.create({ namespace: 'list', name: 'repo', cloneUrl: 'x' });
  const created = [];
  for (let i = 0; i < 6; i++) {
    time = 20_000 + i;
    created.push(await store.builds.create(push(own.id, i % 2 === 0 ? 'main' : 'dev')));
  }
  await store.builds.update(created[1]!.id, { status: 'running' });
  await store.builds.update(created[3]!.id, { status: 'running' });

  const all = await store.builds.list({ repoId: own.id });
  assert.deepEqual(all.map((b) => b.number), [6, 5, 4, 3, 2, 1]);
  assert.deepEqual((await store.builds.list({ repoId: own.id, limit: 2 })).map((b) => b.number), [6, 5]);
  assert.deepEqual((await store.builds.list({ repoId: own.id, before: 5, limit: 2 })).map((b) => b.number), [4, 3]);
  assert.deepEqual((await store.builds.list({ repoId: own.id, branch: 'dev' })).map((b) => b.number), [6, 4, 2]);
  assert.deepEqual((await store.builds.list({ repoId: own.id, status: 'running' })).map((b) => b.number), [4, 2]);
  assert.deepEqual((await store.builds.list({ repoId: own.id, status: ['running', 'pending'], branch: 'main' })).map((b) => b.number), [5, 3, 1]);

  const running = await store.builds.listByStatus(['running']);
  const ownRunning = running.filter((b) => b.repoId === own.id).map((b) => b.number);
  assert.deepEqual(ownRunning, [2, 4]);
  assert.deepEqual(await store.builds.listByStatus([]), []);
});

test('several connections on one file never hand out the same number', async () => {
  const path = join(dir, 'db.sqlite');
  const connections = await Promise.all([1, 2, 3, 4].map(() => openTestStore({ path, secretKey })));
  try {
    const target = await connections[0]!.repos.create({ namespace: 'race', name: 'connections', cloneUrl: 'x' });
    const builds = await Promise.all(
      Array.from({ length: 40 }, (_, i) => connections[i % connections.length]!.builds.create(push(target.id))),
    );
    const numbers = builds.map((b) => b.number).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 40 }, (_, i) => i + 1));
  } finally {
    await Promise.all(connections.map((c) => c.close()));
  }
});

test('list finds the builds of one commit', async () => {
  const sha = 'f'.repeat(40);
  const other = await store.repos.create({ namespace: 'acme', name: 'by-commit', cloneUrl: 'x' });
  const first = await store.builds.create({ ...push(repo.id), commitSha: sha });
  time += 1;
  const second = await store.builds.create({ ...push(repo.id, 'feature'), commitSha: sha });
  const elsewhere = await store.builds.create({ ...push(other.id), commitSha: sha });
  await store.builds.create({ ...push(repo.id), commitSha: 'e'.repeat(40) });

  assert.deepEqual((await store.builds.list({ repoId: repo.id, commitSha: sha })).map((b) => b.id), [second.id, first.id]);
  assert.deepEqual(
    new Set((await store.builds.list({ commitSha: sha })).map((b) => b.id)),
    new Set([first.id, second.id, elsewhere.id]),
  );
  assert.deepEqual(await store.builds.list({ repoId: repo.id, commitSha: '0'.repeat(40) }), []);
});
