import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { NotFoundError } from '../../core/index.ts';
import { openTestStore } from '../test-store.test-helper.ts';
import type { RepoRecord, Store } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-statuses-'));
let store: Store;
let repo: RepoRecord;
let other: RepoRecord;
let time = 1_000;
const sha = 'a'.repeat(40);
before(async () => {
  store = await openTestStore({ path: join(dir, 'db.sqlite'), secretKey: Buffer.alloc(32, 6), clock: { now: () => time } });
  repo = await store.repos.create({ namespace: 'acme', name: 'api', cloneUrl: 'x', provider: 'builtin' });
  other = await store.repos.create({ namespace: 'acme', name: 'web', cloneUrl: 'x', provider: 'builtin' });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('set creates a status with defaults', async () => {
  const status = await store.commitStatuses.set(repo.id, sha, { context: 'trunkline/push', state: 'pending' });
  assert.deepEqual(status, {
    repoId: repo.id,
    sha,
    context: 'trunkline/push',
    state: 'pending',
    description: '',
    targetUrl: undefined,
    createdAt: 1_000,
    updatedAt: 1_000,
  });
});

test('set replaces the status of the same context and keeps createdAt', async () => {
  time = 2_000;
  const status = await store.commitStatuses.set(repo.id, sha, {
    context: 'trunkline/push',
    state: 'success',
    description: 'Build #1 passed',
    targetUrl: 'https://ci.example.test/acme/api/1',
  });
  assert.deepEqual(status, {
    repoId: repo.id,
    sha,
    context: 'trunkline/push',
    state: 'success',
    description: 'Build #1 passed',
    targetUrl: 'https://ci.example.test/acme/api/1',
    createdAt: 1_000,
    updatedAt: 2_000,
  });
  const cleared = await store.commitStatuses.set(repo.id, sha, { context: 'trunkline/push', state: 'running' });
  assert.equal(cleared.targetUrl, undefined, 'a status is replaced as a whole');
  assert.equal(cleared.description, '');
  assert.equal((await store.commitStatuses.list(repo.id, sha)).length, 1);
});

test('list is ordered by context and scoped to repository and commit', async () => {
  await store.commitStatuses.set(repo.id, sha, { context: 'trunkline/pr', state: 'failure' });
  await store.commitStatuses.set(repo.id, sha, { context: 'lint', state: 'error' });
  await store.commitStatuses.set(repo.id, 'b'.repeat(40), { context: 'elsewhere', state: 'success' });
  await store.commitStatuses.set(other.id, sha, { context: 'other-repo', state: 'success' });
  const list = await store.commitStatuses.list(repo.id, sha);
  assert.deepEqual(
    list.map((s) => [s.context, s.state]),
    [
      ['lint', 'error'],
      ['trunkline/pr', 'failure'],
      ['trunkline/push', 'running'],
    ],
  );
  assert.deepEqual(await store.commitStatuses.list(repo.id, 'c'.repeat(40)), []);
});

test('a status for an unknown repository is NotFound', async () => {
  await assert.rejects(store.commitStatuses.set('missing', sha, { context: 'x', state: 'pending' }), NotFoundError);
});
