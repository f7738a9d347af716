import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConfigError, ConflictError, NotFoundError } from '../../core/index.ts';
import { openTestStore } from '../test-store.test-helper.ts';
import type { Store } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-repos-'));
let store: Store;
let time = 1_000;
before(async () => {
  store = await openTestStore({ path: join(dir, 'db.sqlite'), secretKey: Buffer.alloc(32, 2), clock: { now: () => time } });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('create applies defaults and the slug', async () => {
  const repo = await store.repos.create({ namespace: 'acme', name: 'web', cloneUrl: 'https://git.example/acme/web.git' });
  assert.deepEqual(repo, {
    id: repo.id,
    namespace: 'acme',
    name: 'web',
    slug: 'acme/web',
    cloneUrl: 'https://git.example/acme/web.git',
    defaultBranch: 'main',
    visibility: 'private',
    configPath: '.drone.yml',
    timeoutMinutes: 60,
    trusted: false,
    provider: 'git',
    apiUrl: undefined,
    hasWebhookSecret: false,
    hasCredentials: false,
    createdAt: 1_000,
    updatedAt: 1_000,
  });
});

test('namespace/name is unique', async () => {
  await store.repos.create({ namespace: 'acme', name: 'dup', cloneUrl: 'x' });
  await assert.rejects(store.repos.create({ namespace: 'acme', name: 'dup', cloneUrl: 'y' }), ConflictError);
});

test('get, find and getBySlug', async () => {
  const repo = await store.repos.create({ namespace: 'team', name: 'svc', cloneUrl: 'x', trusted: true, visibility: 'public' });
  assert.deepEqual(await store.repos.get(repo.id), repo);
  assert.deepEqual(await store.repos.find('team', 'svc'), repo);
  assert.equal(await store.repos.find('team', 'nope'), undefined);
  assert.deepEqual(await store.repos.getBySlug('team/svc'), repo);
  await assert.rejects(store.repos.getBySlug('team/nope'), NotFoundError);
  await assert.rejects(store.repos.getBySlug('no-slash'), ConfigError);
  await assert.rejects(store.repos.get('missing'), NotFoundError);
  assert.equal(repo.trusted, true);
  assert.equal(repo.visibility, 'public');
});

test('list is ordered by slug', async () => {
  const slugs = (await store.repos.list()).map((repo) => repo.slug);
  assert.deepEqual(slugs, [...slugs].sort());
  assert.ok(slugs.includes('acme/web'));
});

test('update changes only what is given', async () => {
  const repo = await store.repos.create({ namespace: 'upd', name: 'one', cloneUrl: 'x' });
  time = 2_000;
  const updated = await store.repos.update(repo.id, { defaultBranch: 'trunk', timeoutMinutes: 5, trusted: true });
  assert.deepEqual(updated, { ...repo, defaultBranch: 'trunk', timeoutMinutes: 5, trusted: true, updatedAt: 2_000 });
  await assert.rejects(store.repos.update('missing', { trusted: true }), NotFoundError);
});
