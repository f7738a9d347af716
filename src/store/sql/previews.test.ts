import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConflictError, NotFoundError } from '../../core/index.ts';
import { openTestStore } from '../test-store.test-helper.ts';
import type { Store } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-previews-'));
let time = 1_000;
const clock = { now: () => time };
let store: Store;

before(async () => {
  store = await openTestStore({ path: join(dir, 'db.sqlite'), secretKey: Buffer.alloc(32, 5).toString('hex'), clock });
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const input = { name: 'preview-feature-x', environment: 'preview', repo: 'acme/api', branch: 'feature-x', service: 'api', cluster: 'default', namespace: 'preview-feature-x' };

test('a preview is created creating, updated field by field, and listed while not removed', async () => {
  const created = await store.previews.create(input);
  assert.equal(created.status, 'creating');
  assert.deepEqual(created.services, []);
  assert.equal(created.createdNamespace, false);
  assert.equal(created.lastPushAt, 1_000);
  await assert.rejects(store.previews.create(input), ConflictError, 'one active preview per name');

  time = 2_000;
  const ready = await store.previews.update(created.id, { status: 'ready', services: ['api', 'web'], createdNamespace: true, url: 'http://api.x/', imageTag: '7-feature-x-1a2b3c4d', lastPushAt: 2_000 });
  assert.deepEqual([ready.status, ready.services, ready.createdNamespace, ready.url, ready.imageTag, ready.updatedAt], ['ready', ['api', 'web'], true, 'http://api.x/', '7-feature-x-1a2b3c4d', 2_000]);
  assert.equal((await store.previews.update(created.id, { url: null })).url, undefined);
  await assert.rejects(store.previews.update(created.id, { status: 'removed' }, { ifStatus: ['removing'] }), ConflictError);
  assert.deepEqual((await store.previews.list()).map((p) => p.name), ['preview-feature-x']);
  assert.deepEqual((await store.previews.list(['creating'])).map((p) => p.name), []);
  assert.equal((await store.previews.findActive('preview-feature-x'))?.id, created.id);

  await store.previews.update(created.id, { status: 'removing', removalReason: 'branch-deleted' });
  time = 3_000;
  const removed = await store.previews.update(created.id, { status: 'removed' }, { ifStatus: ['removing'] });
  assert.equal(removed.removedAt, 3_000);
  assert.equal(removed.removalReason, 'branch-deleted');
  assert.equal(await store.previews.findActive('preview-feature-x'), undefined);
  assert.deepEqual(await store.previews.list(), []);

  const again = await store.previews.create(input);
  assert.notEqual(again.id, created.id, 'a removed preview is history: the name is free again');
  assert.equal((await store.previews.get(created.id)).status, 'removed');
  await assert.rejects(store.previews.get('nope'), NotFoundError);
});
