import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openTestStore } from '../test-store.test-helper.ts';
import type { AuditAppendInput, AuditUnsealed, Store } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-audit-'));
const path = join(dir, 'db.sqlite');
const secretKey = Buffer.alloc(32, 9);
let store: Store;
before(async () => {
  store = await openTestStore({ path, secretKey });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

// The store does not hash: a readable stand-in shows what it was given.
const seal = (entry: AuditUnsealed): string => `h${entry.seq}<${entry.prevHash}`;
const entry = (at: number, patch: Partial<AuditAppendInput> = {}): AuditAppendInput => ({
  at,
  actor: 'ada',
  action: 'build.trigger',
  target: { kind: 'build', id: 'acme/api#1' },
  outcome: 'success',
  details: '{}',
  ...patch,
});

test('appends form a chain: seq without gaps, each prevHash the hash before it', async () => {
  const genesis = (await store.audit.chain()).headHash;
  const first = await store.audit.append(entry(1000), seal);
  const second = await store.audit.append(entry(2000, { environment: 'production', actor: 'bob' }), seal);
  assert.equal(first.seq, 1);
  assert.equal(first.prevHash, genesis);
  assert.equal(second.seq, 2);
  assert.equal(second.prevHash, first.hash);
  const chain = await store.audit.chain();
  assert.equal(chain.headSeq, 2);
  assert.equal(chain.headHash, second.hash);
  assert.deepEqual(await store.audit.list({ order: 'asc' }), [first, second]);
});

test('appends from several connections at once stay one linear chain', async () => {
  const others = await Promise.all([1, 2].map(() => openTestStore({ path, secretKey })));
  try {
    const start = (await store.audit.chain()).headSeq;
    const writers = [store, ...others].flatMap((s, w) => Array.from({ length: 20 }, (_, i) => s.audit.append(entry(3000 + i, { actor: `w${w}` }), seal)));
    await Promise.all(writers);
    const all = await store.audit.list({ order: 'asc', after: start, limit: 1000 });
    assert.equal(all.length, 60);
    let prev = (await store.audit.list({ order: 'asc', after: start - 1, limit: 1 }))[0]?.hash;
    for (const [i, record] of all.entries()) {
      assert.equal(record.seq, start + i + 1);
      assert.equal(record.prevHash, prev);
      prev = record.hash;
    }
  } finally {
    await Promise.all(others.map((s) => s.close()));
  }
});

test('lists filter by actor, action prefix, environment and time, and page with a cursor', async () => {
  await store.audit.append(entry(10_000, { action: 'sync.start', environment: 'staging' }), seal);
  await store.audit.append(entry(11_000, { action: 'sync', environment: 'staging' }), seal);
  await store.audit.append(entry(12_000, { action: 'syncs.other' }), seal);
  assert.deepEqual((await store.audit.list({ actionPrefix: 'sync' })).map((r) => r.action), ['sync', 'sync.start']);
  assert.equal((await store.audit.list({ environment: 'production' })).length, 1);
  assert.equal((await store.audit.list({ actor: 'bob' }))[0]?.actor, 'bob');
  assert.deepEqual((await store.audit.list({ since: 10_000, until: 12_000 })).map((r) => r.at), [11_000, 10_000]);
  const page1 = await store.audit.list({ limit: 2 });
  const page2 = await store.audit.list({ limit: 2, after: page1.at(-1)?.seq });
  assert.equal(page2[0]?.seq, (page1.at(-1)?.seq ?? 0) - 1);
  const asc = await store.audit.list({ limit: 2, order: 'asc', after: 1 });
  assert.deepEqual(asc.map((r) => r.seq), [2, 3]);
});

test('pruning removes only a prefix of old entries and moves the anchor to the first kept one', async () => {
  const before = await store.audit.chain();
  const kept = await store.audit.list({ order: 'asc', since: 10_000, limit: 1 });
  const result = await store.audit.prune(10_000);
  assert.equal(result.removed, (kept[0]?.seq ?? 0) - 1);
  assert.equal(result.chain.anchorSeq, kept[0]?.seq);
  assert.equal(result.chain.anchorHash, kept[0]?.prevHash);
  assert.equal(result.chain.prunedCount, result.removed);
  assert.equal(result.chain.prunedBefore, 10_000);
  assert.equal(result.chain.headSeq, before.headSeq);
  assert.equal((await store.audit.prune(10_000)).removed, 0);
  // An old-dated entry after a new one stays: the kept part remains one chain.
  await store.audit.append(entry(5, { action: 'late.clock' }), seal);
  assert.equal((await store.audit.prune(11_000)).removed, 1);
  assert.deepEqual((await store.audit.list({ order: 'asc' })).map((r) => r.at), [11_000, 12_000, 5]);
  const everything = await store.audit.prune(20_000);
  assert.equal(everything.chain.anchorSeq, everything.chain.headSeq + 1);
  assert.equal(everything.chain.anchorHash, everything.chain.headHash);
  assert.deepEqual(await store.audit.list(), []);
  const next = await store.audit.append(entry(30_000), seal);
  assert.equal(next.seq, everything.chain.anchorSeq);
  assert.equal(next.prevHash, everything.chain.anchorHash);
});
