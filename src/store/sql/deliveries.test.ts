import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openTestStore } from '../test-store.test-helper.ts';
import type { Store } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-deliveries-'));
const path = join(dir, 'db.sqlite');
const secretKey = Buffer.alloc(32, 5);
let store: Store;
let time = 1_000;
before(async () => {
  store = await openTestStore({ path, secretKey, clock: { now: () => time } });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a delivery is new once, then recognised as a redelivery', async () => {
  assert.equal(await store.deliveries.record('github', 'd-1'), true);
  assert.equal(await store.deliveries.record('github', 'd-1'), false);
  assert.equal(await store.deliveries.record('github', 'd-1'), false);
});

test('ids are scoped by provider', async () => {
  assert.equal(await store.deliveries.record('gitea', 'shared-id'), true);
  assert.equal(await store.deliveries.record('gitlab', 'shared-id'), true);
  assert.equal(await store.deliveries.record('gitea', 'shared-id'), false);
});

test('concurrent records of one id from two connections: exactly one is first', async () => {
  const other = await openTestStore({ path, secretKey });
  try {
    for (let i = 0; i < 20; i++) {
      const id = `race-${i}`;
      const results = await Promise.all([store.deliveries.record('gitea', id), other.deliveries.record('gitea', id)]);
      assert.equal(results.filter(Boolean).length, 1, `exactly one connection saw ${id} first`);
    }
  } finally {
    await other.close();
  }
});

test('prune forgets deliveries received before the cut-off', async () => {
  const fresh = await openTestStore({ path: ':memory:', secretKey, clock: { now: () => time } });
  try {
    time = 10_000;
    await fresh.deliveries.record('github', 'old-1');
    await fresh.deliveries.record('github', 'old-2');
    time = 20_000;
    await fresh.deliveries.record('github', 'new');
    assert.equal(await fresh.deliveries.prune(20_000), 2);
    assert.equal(await fresh.deliveries.prune(20_000), 0);
    assert.equal(await fresh.deliveries.record('github', 'old-1'), true, 'a pruned id counts as new again');
    assert.equal(await fresh.deliveries.record('github', 'new'), false, 'a kept id is still known');
  } finally {
    await fresh.close();
  }
});
