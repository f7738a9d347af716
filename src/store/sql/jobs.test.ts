import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { ConflictError, NotFoundError } from '../../core/index.ts';
import { openTestStore } from '../test-store.test-helper.ts';
import type { Store } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-jobs-'));
const secretKey = Buffer.alloc(32, 7);
let store: Store;
let time = 100_000;
let counter = 0;
beforeEach(async () => {
  if (store) await store.close();
  time = 100_000;
  counter += 1;
  store = await openTestStore({ path: join(dir, `jobs-${counter}.sqlite`), secretKey, clock: { now: () => time } });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('enqueue records a queued job', async () => {
  const job = await store.jobs.enqueue({ kind: 'stage', payload: { stageId: 's1' }, labels: { os: 'linux' } });
  assert.deepEqual(job, {
    id: job.id,
    kind: 'stage',
    payload: { stageId: 's1' },
    status: 'queued',
    concurrencyKey: undefined,
    concurrencyLimit: undefined,
    labels: { os: 'linux' },
    attempts: 0,
    leaseOwner: undefined,
    leaseExpiresAt: undefined,
    error: undefined,
    createdAt: 100_000,
    availableAt: 100_000,
    updatedAt: 100_000,
  });
  assert.deepEqual(await store.jobs.get(job.id), job);
  await assert.rejects(store.jobs.get('missing'), NotFoundError);
});

test('claim takes the oldest available job of the wanted kinds, once', async () => {
  const first = await store.jobs.enqueue({ kind: 'stage', payload: 1 });
  const later = await store.jobs.enqueue({ kind: 'stage', payload: 2, availableAt: 200_000 });
  const mail = await store.jobs.enqueue({ kind: 'mail', payload: 3 });
  const second = await store.jobs.enqueue({ kind: 'stage', payload: 4 });

  const a = await store.jobs.claim({ owner: 'w1', leaseMs: 1_000, kinds: ['stage'] });
  assert.equal(a?.id, first.id);
  assert.equal(a?.status, 'leased');
  assert.equal(a?.leaseOwner, 'w1');
  assert.equal(a?.leaseExpiresAt, 101_000);
  assert.equal(a?.attempts, 1);
  assert.equal((await store.jobs.claim({ owner: 'w2', leaseMs: 1_000, kinds: ['stage'] }))?.id, second.id);
  assert.equal(await store.jobs.claim({ owner: 'w3', leaseMs: 1_000, kinds: ['stage'] }), undefined, 'the later job is not yet available');
  assert.equal((await store.jobs.claim({ owner: 'w3', leaseMs: 1_000, kinds: ['stage'], now: 200_000 }))?.id, later.id);
  assert.equal(await store.jobs.claim({ owner: 'w3', leaseMs: 1_000, kinds: [] }), undefined);
  assert.equal((await store.jobs.claim({ owner: 'w3', leaseMs: 1_000 }))?.id, mail.id);
  assert.equal(await store.jobs.claim({ owner: 'w3', leaseMs: 1_000 }), undefined);
});

test('claim honours labels when the claimer gives its own', async () => {
  const arm = await store.jobs.enqueue({ kind: 'stage', payload: null, labels: { arch: 'arm64' } });
  const any = await store.jobs.enqueue({ kind: 'stage', payload: null });
  const amd = await store.jobs.claim({ owner: 'amd', leaseMs: 1_000, labels: { arch: 'amd64', os: 'linux' } });
  assert.equal(amd?.id, any.id);
  assert.equal(await store.jobs.claim({ owner: 'amd', leaseMs: 1_000, labels: { arch: 'amd64' } }), undefined);
  assert.equal((await store.jobs.claim({ owner: 'arm', leaseMs: 1_000, labels: { arch: 'arm64' } }))?.id, arm.id);

  const docker = await store.jobs.enqueue({ kind: 'stage', payload: null, labels: { type: 'docker' } });
  assert.equal(await store.jobs.claim({ owner: 'exec-only', leaseMs: 1_000, labels: { type: ['exec'] } }), undefined);
  assert.equal((await store.jobs.claim({ owner: 'both', leaseMs: 1_000, labels: { type: ['exec', 'docker'] } }))?.id, docker.id, 'a list accepts any of its values');
});

test('claim respects concurrency limits per key', async () => {
  const jobs = [];
  for (let i = 0; i < 4; i++) jobs.push(await store.jobs.enqueue({ kind: 'deploy', payload: i, concurrencyKey: 'prod', concurrencyLimit: 2 }));
  const free = await store.jobs.enqueue({ kind: 'deploy', payload: 'free' });

  const claimed = [];
  for (let i = 0; i < 4; i++) claimed.push(await store.jobs.claim({ owner: `w${i}`, leaseMs: 1_000 }));
  assert.deepEqual(claimed.map((j) => j?.id), [jobs[0]!.id, jobs[1]!.id, free.id, undefined]);

  await store.jobs.complete(jobs[0]!.id, 'w0');
  assert.equal((await store.jobs.claim({ owner: 'w4', leaseMs: 1_000 }))?.id, jobs[2]!.id);
  assert.equal(await store.jobs.claim({ owner: 'w5', leaseMs: 1_000 }), undefined);
  await store.jobs.fail(jobs[1]!.id, 'w1', 'boom');
  assert.equal((await store.jobs.claim({ owner: 'w5', leaseMs: 1_000 }))?.id, jobs[3]!.id);
});

test('only the owner may heartbeat, complete, fail or requeue', async () => {
  const job = await store.jobs.enqueue({ kind: 'k', payload: null });
  await store.jobs.claim({ owner: 'w1', leaseMs: 1_000 });

  const beat = await store.jobs.heartbeat(job.id, 'w1', 5_000, 100_500);
  assert.equal(beat.leaseExpiresAt, 105_500);
  await assert.rejects(store.jobs.heartbeat(job.id, 'w2', 5_000), ConflictError);
  await assert.rejects(store.jobs.complete(job.id, 'w2'), ConflictError);
  await assert.rejects(store.jobs.fail(job.id, 'w2', 'x'), ConflictError);
  await assert.rejects(store.jobs.requeue(job.id, 'w2'), ConflictError);
  await assert.rejects(store.jobs.heartbeat('missing', 'w1', 5_000), NotFoundError);

  time = 101_000;
  const requeued = await store.jobs.requeue(job.id, 'w1', 150_000);
  assert.equal(requeued.status, 'queued');
  assert.equal(requeued.availableAt, 150_000);
  assert.equal(requeued.leaseExpiresAt, undefined);
  await assert.rejects(store.jobs.heartbeat(job.id, 'w1', 1_000), ConflictError, 'a requeued job is no longer leased');

  const again = await store.jobs.claim({ owner: 'w2', leaseMs: 1_000, now: 150_000 });
  assert.equal(again?.attempts, 2);
  const done = await store.jobs.complete(job.id, 'w2');
  assert.equal(done.status, 'done');
  await assert.rejects(store.jobs.complete(job.id, 'w2'), ConflictError, 'completing twice is a conflict');

  const other = await store.jobs.enqueue({ kind: 'k', payload: null });
  await store.jobs.claim({ owner: 'w3', leaseMs: 1_000 });
  const failed = await store.jobs.fail(other.id, 'w3', 'exit 1');
  assert.equal(failed.status, 'failed');
  assert.equal(failed.error, 'exit 1');
});

test('expired leases return to the queue; heartbeats keep them alive', async () => {
  const kept = await store.jobs.enqueue({ kind: 'k', payload: 'kept' });
  const lost = await store.jobs.enqueue({ kind: 'k', payload: 'lost' });
  await store.jobs.claim({ owner: 'alive', leaseMs: 1_000 });
  await store.jobs.claim({ owner: 'dead', leaseMs: 1_000 });
  await store.jobs.heartbeat(kept.id, 'alive', 1_000, 100_900);

  assert.deepEqual(await store.jobs.expireLeases(100_999), []);
  const expired = await store.jobs.expireLeases(101_000);
  assert.deepEqual(expired.map((j) => [j.id, j.status, j.leaseOwner]), [[lost.id, 'queued', 'dead']]);
  assert.equal((await store.jobs.get(kept.id)).status, 'leased');
  await assert.rejects(store.jobs.complete(lost.id, 'dead'), ConflictError, 'the owner that lost its lease cannot complete');

  const retaken = await store.jobs.claim({ owner: 'new', leaseMs: 1_000, now: 101_000 });
  assert.equal(retaken?.id, lost.id);
  assert.equal(retaken?.attempts, 2);
});

test('expired leases can be failed instead, or after too many attempts', async () => {
  const a = await store.jobs.enqueue({ kind: 'k', payload: 'a' });
  await store.jobs.claim({ owner: 'w', leaseMs: 10 });
  const [failed] = await store.jobs.expireLeases(200_000, { requeue: false });
  assert.equal(failed?.id, a.id);
  assert.equal(failed?.status, 'failed');
  assert.match(failed?.error ?? '', /lease of w expired after 1 attempt/);

  const b = await store.jobs.enqueue({ kind: 'k', payload: 'b' });
  await store.jobs.claim({ owner: 'w', leaseMs: 10, now: 200_000 });
  assert.equal((await store.jobs.expireLeases(300_000, { maxAttempts: 2 }))[0]?.status, 'queued');
  await store.jobs.claim({ owner: 'w', leaseMs: 10, now: 300_000 });
  const [last] = await store.jobs.expireLeases(400_000, { maxAttempts: 2 });
  assert.equal(last?.id, b.id);
  assert.equal(last?.status, 'failed');
});

test('list filters by status and kind, oldest first', async () => {
  const a = await store.jobs.enqueue({ kind: 'x', payload: 1 });
  const b = await store.jobs.enqueue({ kind: 'y', payload: 2 });
  const c = await store.jobs.enqueue({ kind: 'x', payload: 3 });
  await store.jobs.claim({ owner: 'w', leaseMs: 1_000, kinds: ['x'] });
  assert.deepEqual((await store.jobs.list()).map((j) => j.id), [a.id, b.id, c.id]);
  assert.deepEqual((await store.jobs.list({ kind: 'x' })).map((j) => j.id), [a.id, c.id]);
  assert.deepEqual((await store.jobs.list({ status: 'queued' })).map((j) => j.id), [b.id, c.id]);
  assert.deepEqual((await store.jobs.list({ status: 'queued', kind: 'x', limit: 1 })).map((j) => j.id), [c.id]);
});

test('claimers on separate connections never lease a job twice', async () => {
  const path = join(dir, 'shared-claims.sqlite');
  const connections = await Promise.all([1, 2, 3].map(() => openTestStore({ path, secretKey })));
  try {
    for (let i = 0; i < 30; i++) await connections[0]!.jobs.enqueue({ kind: 'k', payload: i, concurrencyKey: i % 2 ? 'odd' : undefined, concurrencyLimit: 1 });
    const claims = await Promise.all(
      Array.from({ length: 45 }, (_, i) => connections[i % 3]!.jobs.claim({ owner: `c${i % 3}`, leaseMs: 60_000 })),
    );
    const ids = claims.filter((j) => j !== undefined).map((j) => j.id);
    assert.equal(new Set(ids).size, ids.length);
    // 15 even jobs without a key, plus one of the 15 'odd' ones (limit 1).
    assert.equal(ids.length, 16);
  } finally {
    await Promise.all(connections.map((c) => c.close()));
  }
});
