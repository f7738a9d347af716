import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConflictError, NotFoundError } from '../../core/index.ts';
import { openTestStore, sqliteOnly } from '../test-store.test-helper.ts';
import type { Store } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-users-'));
let store: Store;
let time = 1_000;
before(async () => {
  store = await openTestStore({ path: join(dir, 'db.sqlite'), secretKey: Buffer.alloc(32, 6), clock: { now: () => time } });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('users: create, get, findByLogin (any case), list, update', async () => {
  const ann = await store.users.create({ login: 'Ann', name: 'Ann A.', email: 'ann@example.com', role: 'admin' });
  const bob = await store.users.create({ login: 'bob' });
  assert.deepEqual(bob, { id: bob.id, login: 'bob', name: '', email: '', role: 'viewer', createdAt: 1_000, updatedAt: 1_000 });
  assert.deepEqual(await store.users.get(ann.id), ann);
  assert.deepEqual(await store.users.findByLogin('ann'), ann);
  assert.deepEqual(await store.users.findByLogin('ANN'), ann);
  assert.equal(await store.users.findByLogin('carol'), undefined);
  assert.deepEqual((await store.users.list()).map((u) => u.login), ['Ann', 'bob']);
  time = 2_000;
  const promoted = await store.users.update(bob.id, { role: 'release-manager', email: 'bob@example.com' });
  assert.deepEqual(promoted, { ...bob, role: 'release-manager', email: 'bob@example.com', updatedAt: 2_000 });
  await assert.rejects(store.users.get('missing'), NotFoundError);
});

test('logins are unique regardless of case', async () => {
  await assert.rejects(store.users.create({ login: 'ANN' }), ConflictError);
});

test('tokens authenticate, record their use and are stored hashed', sqliteOnly, async () => {
  const user = await store.users.create({ login: 'dev', role: 'developer' });
  time = 3_000;
  const { token, record } = await store.tokens.create(user.id, 'laptop');
  assert.match(token, /^tl_[A-Za-z0-9_-]{40,}$/);
  assert.deepEqual(record, { id: record.id, userId: user.id, name: 'laptop', createdAt: 3_000, lastUsedAt: undefined, expiresAt: undefined });

  time = 4_000;
  const auth = await store.tokens.authenticate(token);
  assert.equal(auth?.user.id, user.id);
  assert.equal(auth?.user.role, 'developer');
  assert.equal(auth?.token.lastUsedAt, 4_000);
  assert.deepEqual((await store.tokens.list(user.id)).map((t) => t.lastUsedAt), [4_000]);

  assert.equal(await store.tokens.authenticate(`${token}x`), undefined);
  assert.equal(await store.tokens.authenticate(''), undefined);

  const bytes = Buffer.concat(readdirSync(dir).filter((f) => f.startsWith('db.sqlite')).map((f) => readFileSync(join(dir, f))));
  assert.ok(bytes.includes(Buffer.from('laptop')), 'the token row is in these bytes');
  assert.ok(!bytes.includes(Buffer.from(token)));
  assert.ok(!bytes.includes(Buffer.from(token.slice(3))));
});

test('tokens expire', async () => {
  const user = await store.users.create({ login: 'temp' });
  time = 10_000;
  const { token } = await store.tokens.create(user.id, 'ci', { expiresAt: 10_500 });
  time = 10_499;
  assert.equal((await store.tokens.authenticate(token))?.user.login, 'temp');
  time = 10_500;
  assert.equal(await store.tokens.authenticate(token), undefined);
});

test('revoked tokens no longer authenticate', async () => {
  const user = await store.users.create({ login: 'gone' });
  const { token, record } = await store.tokens.create(user.id, 'old');
  await store.tokens.create(user.id, 'kept');
  await store.tokens.revoke(record.id);
  assert.equal(await store.tokens.authenticate(token), undefined);
  assert.deepEqual((await store.tokens.list(user.id)).map((t) => t.name), ['kept']);
  await assert.rejects(store.tokens.revoke(record.id), NotFoundError);
  await assert.rejects(store.tokens.create('missing', 'x'), NotFoundError);
});
