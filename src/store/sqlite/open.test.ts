import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { ConfigError } from '../../core/index.ts';
import { openStore } from '../index.ts';
import { SqliteDatabase as Database } from './database.ts';
import { migrate, migrations } from '../sql/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-open-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const secretKey = Buffer.alloc(32, 1);

function readRaw<T>(path: string, sql: string): T {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare(sql).all() as T;
  } finally {
    db.close();
  }
}

test('creates the folder and file, applies each migration once and records it', async () => {
  const path = join(dir, 'nested', 'folder', 'trunkline.db');
  const first = await openStore({ path, secretKey, clock: { now: () => 1_000 } });
  await first.close();
  const second = await openStore({ path, secretKey, clock: { now: () => 2_000 } });
  await second.close();

  const rows = readRaw<{ version: number; name: string; applied_at: number }[]>(
    path,
    'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
  );
  assert.deepEqual(
    rows.map((row) => ({ ...row })),
    migrations.map((m) => ({ version: m.version, name: m.name, applied_at: 1_000 })),
  );
});

test('uses the WAL journal', async () => {
  const path = join(dir, 'wal.db');
  const store = await openStore({ path, secretKey });
  await store.close();
  const [mode] = readRaw<{ journal_mode: string }[]>(path, 'PRAGMA journal_mode');
  assert.equal(mode?.journal_mode, 'wal');
});

test('reopening keeps the data', async () => {
  const path = join(dir, 'reopen.db');
  const store = await openStore({ path, secretKey });
  const repo = await store.repos.create({ namespace: 'acme', name: 'api', cloneUrl: 'https://git.example/acme/api.git' });
  await store.builds.create({ repoId: repo.id, event: 'push', ref: 'refs/heads/main', branch: 'main', commitSha: 'a'.repeat(40) });
  await store.close();

  const again = await openStore({ path, secretKey });
  try {
    assert.deepEqual(await again.repos.get(repo.id), repo);
    const [build] = await again.builds.list({ repoId: repo.id });
    assert.equal(build?.number, 1);
    const next = await again.builds.create({ repoId: repo.id, event: 'push', ref: 'refs/heads/main', branch: 'main', commitSha: 'b'.repeat(40) });
    assert.equal(next.number, 2);
  } finally {
    await again.close();
  }
});

test('refuses a database whose schema is newer than the code', async () => {
  const path = join(dir, 'newer.db');
  await (await openStore({ path, secretKey })).close();
  const db = new DatabaseSync(path);
  db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(999, 'from the future', 0);
  await db.close();

  await assert.rejects(
    openStore({ path, secretKey }),
    (error: unknown) => error instanceof ConfigError && /schema version 999 is newer/.test(error.message),
  );
});

test('refuses a malformed secret key before touching the file', async () => {
  await assert.rejects(openStore({ path: join(dir, 'never.db'), secretKey: 'short' }), ConfigError);
});

test('an in-memory store works for quick use', async () => {
  const store = await openStore({ path: ':memory:', secretKey });
  try {
    const repo = await store.repos.create({ namespace: 'a', name: 'b', cloneUrl: 'x' });
    assert.equal((await store.repos.list()).length, 1);
    assert.equal(repo.slug, 'a/b');
  } finally {
    await store.close();
  }
});

test('a database of schema version 1 is upgraded with its data kept', async () => {
  const path = join(dir, 'v1.db');
  const old = new Database(path, 1000);
  await migrate(old, migrations.filter((m) => m.version === 1), 500);
  await old.run(
    `INSERT INTO repos (id, namespace, name, clone_url, default_branch, visibility, config_path, timeout_minutes, trusted, created_at, updated_at)
     VALUES ('r1', 'old', 'repo', 'https://git.example/old/repo.git', 'main', 'private', '.drone.yml', 60, 0, 500, 500)`,
  );
  await old.close();

  const store = await openStore({ path, secretKey });
  try {
    const repo = await store.repos.get('r1');
    assert.equal(repo.slug, 'old/repo');
    assert.equal(repo.provider, 'git');
    assert.equal(repo.hasWebhookSecret, false);
    assert.deepEqual(await store.repos.revealHostSecrets('r1'), {});
    assert.equal(await store.deliveries.record('gitea', 'first'), true);
  } finally {
    await store.close();
  }
  const versions = readRaw<{ version: number }[]>(path, 'SELECT version FROM schema_migrations ORDER BY version');
  assert.deepEqual(versions.map((row) => row.version), migrations.map((m) => m.version));
});
