import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, beforeEach, test } from 'node:test';
import { ConfigError, ConflictError, NotFoundError } from '../../core/index.ts';
import { openTestStore, sqliteOnly } from '../test-store.test-helper.ts';
import type { Store } from '../index.ts';
import { SqlNotificationDeliveryRepository } from './notification-deliveries.ts';
import { SqliteDatabase as Database } from '../sqlite/database.ts';
import { migrate, migrations } from '../sql/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-notify-'));
const secretKey = Buffer.alloc(32, 9);
let store: Store;
let path = '';
let counter = 0;
beforeEach(async () => {
  if (store) await store.close();
  counter += 1;
  path = join(dir, `notify-${counter}.sqlite`);
  store = await openTestStore({ path, secretKey });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const slack = {
  name: 'ops-slack',
  kind: 'slack',
  events: ['build.failed'],
  environments: ['production', 'preview-*'],
  settings: {},
  secrets: { url: 'https://hooks.slack.com/services/T0/B0/SECRETPART' },
};

test('a target keeps its secrets encrypted: not in the record, not in the file, revealed on request', sqliteOnly, async () => {
  const created = await store.notificationTargets.create(slack);
  assert.equal(created.name, 'ops-slack');
  assert.deepEqual(created.secretFields, ['url']);
  assert.deepEqual(created.events, ['build.failed']);
  assert.deepEqual(created.environments, ['production', 'preview-*']);
  assert.ok(!JSON.stringify(created).includes('SECRETPART'));
  assert.deepEqual(await store.notificationTargets.revealSecrets('ops-slack'), slack.secrets);
  const raw = new DatabaseSync(path);
  const rows = raw.prepare('SELECT * FROM notification_targets').all();
  raw.close();
  assert.ok(!JSON.stringify(rows, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v)).includes('SECRETPART'));
});

test('names are unique DNS labels', async () => {
  await store.notificationTargets.create(slack);
  await assert.rejects(store.notificationTargets.create(slack), ConflictError);
  await assert.rejects(store.notificationTargets.create({ ...slack, name: 'Bad Name' }), ConfigError);
});

test('update changes only what is given; null filters return to the defaults', async () => {
  await store.notificationTargets.create({ ...slack, kind: 'telegram', settings: { chatId: '-100' }, secrets: { botToken: 'a' } });
  const updated = await store.notificationTargets.update('ops-slack', { events: null, secrets: { botToken: 'b' } });
  assert.equal(updated.events, undefined);
  assert.deepEqual(updated.environments, ['production', 'preview-*']);
  assert.deepEqual(updated.settings, { chatId: '-100' });
  assert.deepEqual(await store.notificationTargets.revealSecrets('ops-slack'), { botToken: 'b' });
  await assert.rejects(store.notificationTargets.update('absent', { events: null }), NotFoundError);
});

test('delete removes the target', async () => {
  await store.notificationTargets.create(slack);
  await store.notificationTargets.delete('ops-slack');
  assert.deepEqual(await store.notificationTargets.list(), []);
  await assert.rejects(store.notificationTargets.delete('ops-slack'), NotFoundError);
});

test('a sealed row moved onto another target does not open', sqliteOnly, async () => {
  await store.notificationTargets.create(slack);
  await store.notificationTargets.create({ ...slack, name: 'other', secrets: { url: 'https://example.test/x' } });
  await store.close();
  const raw = new DatabaseSync(path);
  raw.exec(`UPDATE notification_targets SET nonce = (SELECT nonce FROM notification_targets WHERE name = 'ops-slack'),
    ciphertext = (SELECT ciphertext FROM notification_targets WHERE name = 'ops-slack'),
    auth_tag = (SELECT auth_tag FROM notification_targets WHERE name = 'ops-slack') WHERE name = 'other'`);
  raw.close();
  store = await openTestStore({ path, secretKey });
  await assert.rejects(store.notificationTargets.revealSecrets('other'), ConfigError);
});

test('deliveries are updated in place, listed newest first and filtered by target', async () => {
  const base = { target: 'ops-slack', eventId: 'e1', eventKind: 'build.failed' };
  await store.notificationDeliveries.save({ ...base, id: 'd1', status: 'queued', attempts: 0 });
  await store.notificationDeliveries.save({ ...base, id: 'd2', target: 'other', status: 'queued', attempts: 0 });
  const retried = await store.notificationDeliveries.save({ ...base, id: 'd1', status: 'retrying', attempts: 1, responseStatus: 503, lastError: 'HTTP 503' });
  assert.equal(retried.status, 'retrying');
  assert.equal(retried.responseStatus, 503);
  const done = await store.notificationDeliveries.save({ ...base, id: 'd1', status: 'delivered', attempts: 2, responseStatus: 200, lastError: null });
  assert.equal(done.lastError, undefined);
  assert.deepEqual((await store.notificationDeliveries.list()).map((d) => d.id), ['d2', 'd1']);
  assert.deepEqual((await store.notificationDeliveries.list({ target: 'other' })).map((d) => d.id), ['d2']);
});

test('deliveries are kept bounded: the oldest beyond the bound are dropped', sqliteOnly, async () => {
  const db = new Database(':memory:', 1000);
  await migrate(db, migrations, 0);
  const deliveries = new SqlNotificationDeliveryRepository(db, { now: () => 1 }, 3);
  for (let i = 1; i <= 5; i += 1) {
    await deliveries.save({ id: `d${i}`, target: 't', eventId: `e${i}`, eventKind: 'build.failed', status: 'queued', attempts: 0 });
  }
  assert.deepEqual((await deliveries.list()).map((d) => d.id), ['d5', 'd4', 'd3']);
  await assert.rejects(deliveries.get('d1'), NotFoundError);
  await db.close();
});

test('expireLeases settles only the given kinds', async () => {
  const stage = await store.jobs.enqueue({ kind: 'stage', payload: {} });
  const note = await store.jobs.enqueue({ kind: 'notify', payload: {} });
  await store.jobs.claim({ owner: 'a', leaseMs: 10 });
  await store.jobs.claim({ owner: 'a', leaseMs: 10 });
  const expired = await store.jobs.expireLeases(Date.now() + 60_000, { kinds: ['notify'] });
  assert.deepEqual(expired.map((job) => job.id), [note.id]);
  assert.equal((await store.jobs.get(stage.id)).status, 'leased');
  assert.equal((await store.jobs.get(note.id)).status, 'queued');
});
