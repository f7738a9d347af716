import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import { ConfigError, NotFoundError } from '../../core/index.ts';
import { openTestStore, sqliteOnly, testingPostgres } from '../test-store.test-helper.ts';
import type { RepoRecord, Store } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-secrets-'));
const path = join(dir, 'db.sqlite');
const secretKey = randomBytes(32).toString('base64');
let store: Store;
let repo: RepoRecord;
let other: RepoRecord;
let time = 1_000;
before(async () => {
  store = await openTestStore({ path, secretKey, clock: { now: () => time } });
  repo = await store.repos.create({ namespace: 'acme', name: 'api', cloneUrl: 'x' });
  other = await store.repos.create({ namespace: 'acme', name: 'web', cloneUrl: 'x' });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every byte the database occupies on disk: main file and write-ahead log. */
function rawBytes(): Buffer {
  return Buffer.concat(readdirSync(dir).filter((f) => f.startsWith('db.sqlite')).map((f) => readFileSync(join(dir, f))));
}

test('set, list and reveal', async () => {
  const record = await store.secrets.set(repo.id, 'DOCKER_PASSWORD', 'pa55-word-of-docker', { allowPullRequest: true });
  assert.deepEqual(record, { repoId: repo.id, name: 'DOCKER_PASSWORD', allowPullRequest: true, createdAt: 1_000, updatedAt: 1_000 });
  await store.secrets.set(repo.id, 'API_TOKEN', 'tok-123');
  await store.secrets.set(other.id, 'API_TOKEN', 'other-repo-token');

  assert.deepEqual((await store.secrets.list(repo.id)).map((s) => [s.name, s.allowPullRequest]), [
    ['API_TOKEN', false],
    ['DOCKER_PASSWORD', true],
  ]);
  assert.ok(!JSON.stringify(await store.secrets.list(repo.id)).includes('tok-123'));
  assert.deepEqual(await store.secrets.reveal(repo.id, ['API_TOKEN', 'DOCKER_PASSWORD', 'MISSING']), {
    API_TOKEN: 'tok-123',
    DOCKER_PASSWORD: 'pa55-word-of-docker',
  });
  assert.deepEqual(await store.secrets.reveal(other.id, ['API_TOKEN']), { API_TOKEN: 'other-repo-token' });
});

test('set replaces the value and keeps createdAt', async () => {
  time = 2_000;
  const record = await store.secrets.set(repo.id, 'API_TOKEN', 'tok-456');
  assert.equal(record.createdAt, 1_000);
  assert.equal(record.updatedAt, 2_000);
  assert.equal(record.allowPullRequest, false);
  assert.deepEqual(await store.secrets.reveal(repo.id, ['API_TOKEN']), { API_TOKEN: 'tok-456' });
});

test('values are not readable in the raw file', async () => {
  const marker = `plaintext-marker-${randomBytes(8).toString('hex')}`;
  await store.secrets.set(repo.id, 'MARKER', marker);
  assert.deepEqual(await store.secrets.reveal(repo.id, ['MARKER']), { MARKER: marker });
  // The later tests count on MARKER; only the file check is SQLite's own.
  if (testingPostgres()) return;
  const bytes = rawBytes();
  assert.ok(bytes.includes(Buffer.from('MARKER')), 'the name is stored in clear, so the check looks at the right file');
  assert.ok(!bytes.includes(Buffer.from(marker)));
  assert.ok(!bytes.includes(Buffer.from('pa55-word-of-docker')));
});

test('a store opened with another key fails clearly instead of returning garbage', async () => {
  const wrong = await openTestStore({ path, secretKey: randomBytes(32) });
  try {
    await assert.rejects(
      wrong.secrets.reveal(repo.id, ['API_TOKEN']),
      (error: unknown) => error instanceof ConfigError && /another secret key/.test(error.message),
    );
    assert.equal((await wrong.secrets.list(repo.id)).length, 3, 'metadata stays readable');
  } finally {
    await wrong.close();
  }
});

test('rows swapped between secrets fail authentication', sqliteOnly, async () => {
  const raw = new DatabaseSync(path);
  try {
    // Give acme/web's API_TOKEN the ciphertext of acme/api's API_TOKEN.
    raw
      .prepare(
        `UPDATE secrets SET (nonce, ciphertext, auth_tag) =
           (SELECT nonce, ciphertext, auth_tag FROM secrets WHERE repo_id = ? AND name = 'API_TOKEN')
         WHERE repo_id = ? AND name = 'API_TOKEN'`,
      )
      .run(repo.id, other.id);
  } finally {
    raw.close();
  }
  await assert.rejects(
    store.secrets.reveal(other.id, ['API_TOKEN']),
    (error: unknown) => error instanceof ConfigError && /authentication failed/.test(error.message),
  );
  assert.deepEqual(await store.secrets.reveal(repo.id, ['API_TOKEN']), { API_TOKEN: 'tok-456' });
});

test('delete', async () => {
  await store.secrets.delete(repo.id, 'MARKER');
  assert.deepEqual(await store.secrets.reveal(repo.id, ['MARKER']), {});
  await assert.rejects(store.secrets.delete(repo.id, 'MARKER'), NotFoundError);
});

test('a secret for an unknown repository is NotFound', async () => {
  await assert.rejects(store.secrets.set('missing', 'X', 'y'), NotFoundError);
});
