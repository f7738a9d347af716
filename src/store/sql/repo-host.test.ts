import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import { ConfigError, NotFoundError } from '../../core/index.ts';
import { openTestStore, sqliteOnly } from '../test-store.test-helper.ts';
import type { Store } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-repo-host-'));
const path = join(dir, 'db.sqlite');
const secretKey = randomBytes(32);
let store: Store;
let time = 1_000;
before(async () => {
  store = await openTestStore({ path, secretKey, clock: { now: () => time } });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function rawBytes(): Buffer {
  return Buffer.concat(readdirSync(dir).filter((f) => f.startsWith('db.sqlite')).map((f) => readFileSync(join(dir, f))));
}

test('host settings default to a plain git remote without secrets', async () => {
  const repo = await store.repos.create({ namespace: 'plain', name: 'one', cloneUrl: 'https://example.test/one.git' });
  assert.equal(repo.provider, 'git');
  assert.equal(repo.apiUrl, undefined);
  assert.equal(repo.hasWebhookSecret, false);
  assert.equal(repo.hasCredentials, false);
  assert.deepEqual(await store.repos.revealHostSecrets(repo.id), {});
});

test('create stores provider, API URL and encrypted secrets; records only say whether they are set', async () => {
  const repo = await store.repos.create({
    namespace: 'hosted',
    name: 'api',
    cloneUrl: 'https://gitea.example.test/hosted/api.git',
    provider: 'gitea',
    apiUrl: 'https://gitea.example.test/api/v1',
    webhookSecret: 'hook-secret-create',
    credentials: { username: 'bot', password: 'token-create' },
  });
  assert.equal(repo.provider, 'gitea');
  assert.equal(repo.apiUrl, 'https://gitea.example.test/api/v1');
  assert.equal(repo.hasWebhookSecret, true);
  assert.equal(repo.hasCredentials, true);
  assert.ok(!JSON.stringify(repo).includes('hook-secret-create'));
  assert.ok(!JSON.stringify(await store.repos.list()).includes('token-create'));
  assert.deepEqual(await store.repos.revealHostSecrets(repo.id), {
    webhookSecret: 'hook-secret-create',
    credentials: { username: 'bot', password: 'token-create' },
  });
  assert.deepEqual(await store.repos.getBySlug('hosted/api'), repo);
});

test('update replaces, keeps and clears host settings', async () => {
  const repo = await store.repos.create({
    namespace: 'hosted',
    name: 'web',
    cloneUrl: 'x',
    provider: 'github',
    apiUrl: 'https://api.github.test',
    webhookSecret: 'first',
  });
  time = 2_000;
  const withCredentials = await store.repos.update(repo.id, { credentials: { username: 'x-access-token', password: 'ghp_second' } });
  assert.deepEqual(withCredentials, { ...repo, hasCredentials: true, updatedAt: 2_000 });
  assert.deepEqual(await store.repos.revealHostSecrets(repo.id), {
    webhookSecret: 'first',
    credentials: { username: 'x-access-token', password: 'ghp_second' },
  });

  const replaced = await store.repos.update(repo.id, { webhookSecret: 'second', provider: 'gitlab' });
  assert.equal(replaced.provider, 'gitlab');
  assert.equal((await store.repos.revealHostSecrets(repo.id)).webhookSecret, 'second');

  const cleared = await store.repos.update(repo.id, { webhookSecret: null, apiUrl: null });
  assert.equal(cleared.hasWebhookSecret, false);
  assert.equal(cleared.hasCredentials, true);
  assert.equal(cleared.apiUrl, undefined);
  assert.deepEqual(await store.repos.revealHostSecrets(repo.id), {
    credentials: { username: 'x-access-token', password: 'ghp_second' },
  });

  const none = await store.repos.update(repo.id, { credentials: null });
  assert.equal(none.hasCredentials, false);
  assert.deepEqual(await store.repos.revealHostSecrets(repo.id), {});
  // Clearing what is not set is not an error.
  assert.equal((await store.repos.update(repo.id, { webhookSecret: null })).hasWebhookSecret, false);
});

test('secret values are not readable in the raw file', sqliteOnly, async () => {
  const hook = `hook-marker-${randomBytes(8).toString('hex')}`;
  const token = `token-marker-${randomBytes(8).toString('hex')}`;
  const repo = await store.repos.create({
    namespace: 'raw',
    name: 'bytes',
    cloneUrl: 'x',
    provider: 'gitlab',
    webhookSecret: hook,
    credentials: { username: 'oauth2', password: token },
  });
  assert.deepEqual(await store.repos.revealHostSecrets(repo.id), { webhookSecret: hook, credentials: { username: 'oauth2', password: token } });
  const bytes = rawBytes();
  assert.ok(bytes.includes(Buffer.from('raw')), 'the namespace is stored in clear, so the check looks at the right file');
  assert.ok(!bytes.includes(Buffer.from(hook)));
  assert.ok(!bytes.includes(Buffer.from(token)));
});

test('a host secret moved to another repository or field fails authentication', sqliteOnly, async () => {
  const a = await store.repos.create({ namespace: 'swap', name: 'a', cloneUrl: 'x', webhookSecret: 'secret-of-a', credentials: { username: 'u', password: 'p' } });
  const b = await store.repos.create({ namespace: 'swap', name: 'b', cloneUrl: 'x', webhookSecret: 'secret-of-b' });
  const raw = new DatabaseSync(path);
  try {
    const copy = raw.prepare(
      `UPDATE repo_host_secrets SET (nonce, ciphertext, auth_tag) =
         (SELECT nonce, ciphertext, auth_tag FROM repo_host_secrets WHERE repo_id = ? AND field = ?)
       WHERE repo_id = ? AND field = ?`,
    );
    copy.run(a.id, 'webhook_secret', b.id, 'webhook_secret');
    copy.run(a.id, 'webhook_secret', a.id, 'credentials');
  } finally {
    raw.close();
  }
  for (const id of [a.id, b.id]) {
    await assert.rejects(
      store.repos.revealHostSecrets(id),
      (error: unknown) => error instanceof ConfigError && /authentication failed/.test(error.message),
    );
  }
});

test('a repository secret with the same name as a host field does not open as a host secret', sqliteOnly, async () => {
  const repo = await store.repos.create({ namespace: 'domain', name: 'sep', cloneUrl: 'x', webhookSecret: 'real-hook' });
  await store.secrets.set(repo.id, 'webhook_secret', 'from-the-secrets-table');
  const raw = new DatabaseSync(path);
  try {
    raw
      .prepare(
        `UPDATE repo_host_secrets SET (nonce, ciphertext, auth_tag) =
           (SELECT nonce, ciphertext, auth_tag FROM secrets WHERE repo_id = ? AND name = 'webhook_secret')
         WHERE repo_id = ? AND field = 'webhook_secret'`,
      )
      .run(repo.id, repo.id);
  } finally {
    raw.close();
  }
  await assert.rejects(store.repos.revealHostSecrets(repo.id), /authentication failed/);
});

test('a store opened with another key reports it when revealing host secrets', async () => {
  const repo = await store.repos.create({ namespace: 'key', name: 'other', cloneUrl: 'x', webhookSecret: 'k' });
  const wrong = await openTestStore({ path, secretKey: randomBytes(32) });
  try {
    await assert.rejects(wrong.repos.revealHostSecrets(repo.id), /another secret key/);
    assert.equal((await wrong.repos.get(repo.id)).hasWebhookSecret, true, 'metadata stays readable');
  } finally {
    await wrong.close();
  }
});

test('unknown repositories are NotFound and leave no secrets behind', sqliteOnly, async () => {
  await assert.rejects(store.repos.revealHostSecrets('missing'), NotFoundError);
  await assert.rejects(store.repos.update('missing', { webhookSecret: 'orphan' }), NotFoundError);
  const raw = new DatabaseSync(path, { readOnly: true });
  try {
    assert.equal(raw.prepare("SELECT COUNT(*) AS n FROM repo_host_secrets WHERE repo_id = 'missing'").get()?.['n'], 0);
  } finally {
    raw.close();
  }
});

test('a failed create (duplicate name) stores no secrets', sqliteOnly, async () => {
  await store.repos.create({ namespace: 'dup', name: 'repo', cloneUrl: 'x' });
  await assert.rejects(store.repos.create({ namespace: 'dup', name: 'repo', cloneUrl: 'x', webhookSecret: 'lost' }), /already exists/);
  const raw = new DatabaseSync(path, { readOnly: true });
  try {
    const orphans = raw.prepare('SELECT COUNT(*) AS n FROM repo_host_secrets WHERE repo_id NOT IN (SELECT id FROM repos)').get();
    assert.equal(orphans?.['n'], 0);
  } finally {
    raw.close();
  }
});
