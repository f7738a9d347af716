import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConfigError, ConflictError, NotFoundError } from '../../core/index.ts';
import { openStore } from '../index.ts';
import { openTestStore, sqliteOnly } from '../test-store.test-helper.ts';
import type { ApplicationRecord, Store, SyncRecord } from '../index.ts';
import { SqliteDatabase as Database } from '../sqlite/database.ts';
import { migrate, migrations } from '../sql/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-syncs-'));
const path = join(dir, 'db.sqlite');
const secretKey = Buffer.alloc(32, 11).toString('hex');
let time = 1_000;
const clock = { now: () => time };
let store: Store;
let api: ApplicationRecord;
let web: ApplicationRecord;
const children = new Set<ChildProcess>();

const rev = (c: string): string => c.repeat(40);

before(async () => {
  store = await openTestStore({ path, secretKey, clock });
  const cluster = await store.clusters.create({ name: 'staging', inCluster: true });
  const source = { repoUrl: 'acme/config', path: 'staging', revision: 'main' };
  api = await store.applications.create({ name: 'api', source, destination: { clusterId: cluster.id, namespace: 'api' } });
  web = await store.applications.create({ name: 'web', source, destination: { clusterId: cluster.id, namespace: 'web' } });
});
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('create numbers syncs per application and keeps what it is given', async () => {
  const first = await store.syncs.create(api.id, { revision: rev('a'), triggeredBy: '@auto' });
  assert.deepEqual({ ...first, id: 'x' }, {
    id: 'x',
    appId: api.id,
    number: 1,
    revision: rev('a'),
    status: 'Pending',
    phase: '',
    state: {},
    dryRun: false,
    prune: false,
    force: false,
    triggeredBy: '@auto',
    objectsChanged: [],
    createdAt: 1_000,
    updatedAt: 1_000,
  });
  time = 2_000;
  const second = await store.syncs.create(api.id, {
    revision: rev('b'),
    status: 'Running',
    phase: 'apply',
    state: { wave: 0, applied: ['v1/Namespace/api'] },
    dryRun: true,
    prune: true,
    force: true,
    triggeredBy: 'alice',
    reason: 'manual sync',
    message: 'applying',
    owner: 'controller-1',
  });
  assert.equal(second.number, 2);
  assert.equal(second.startedAt, 2_000, 'created running: started now');
  assert.equal(second.finishedAt, undefined);
  assert.deepEqual(second.state, { wave: 0, applied: ['v1/Namespace/api'] });
  assert.deepEqual([second.dryRun, second.prune, second.force, second.reason, second.owner], [true, true, true, 'manual sync', 'controller-1']);
  assert.equal((await store.syncs.create(web.id, { revision: rev('a'), triggeredBy: '@auto' })).number, 1, 'numbers are per application');
  assert.deepEqual(await store.syncs.get(second.id), second);
});

test('bad input is refused', async () => {
  await assert.rejects(store.syncs.create('missing', { revision: rev('a'), triggeredBy: 'x' }), NotFoundError);
  await assert.rejects(store.syncs.create(api.id, { revision: '', triggeredBy: 'x' }), /revision/);
  await assert.rejects(store.syncs.create(api.id, { revision: rev('a'), triggeredBy: 'x', status: 'Done' as 'Pending' }), /status: expected one of/);
  await assert.rejects(store.syncs.create(api.id, { revision: rev('a'), triggeredBy: 'x', state: () => 1 }), ConfigError);
  await assert.rejects(store.syncs.get('missing'), NotFoundError);
  assert.equal((await store.syncs.latest(api.id))?.number, 2, 'refused creates take no number');
});

test('update walks the lifecycle with timestamps and guards', async () => {
  time = 3_000;
  const sync = await store.syncs.create(api.id, { revision: rev('c'), triggeredBy: '@auto' });
  time = 4_000;
  const running = await store.syncs.update(sync.id, { status: 'Running', phase: 'apply', owner: 'controller-1' }, { ifStatus: ['Pending'] });
  assert.equal(running.startedAt, 4_000);
  assert.equal(running.owner, 'controller-1');
  await assert.rejects(
    store.syncs.update(sync.id, { status: 'Running', owner: 'controller-2' }, { ifStatus: ['Pending'] }),
    (error: unknown) => error instanceof ConflictError && /is Running, expected one of: Pending/.test(error.message),
  );
  time = 5_000;
  const progressed = await store.syncs.update(sync.id, { phase: 'prune', state: { wave: 2 }, objectsChanged: [{ kind: 'Deployment', name: 'api', action: 'configured' }] }, { ifStatus: ['Running'] });
  assert.deepEqual([progressed.phase, progressed.state, progressed.startedAt, progressed.updatedAt], ['prune', { wave: 2 }, 4_000, 5_000]);
  time = 6_000;
  const done = await store.syncs.update(sync.id, { status: 'Succeeded', phase: 'done', message: 'synced to ccc', owner: null }, { ifStatus: ['Running'] });
  assert.deepEqual([done.status, done.startedAt, done.finishedAt, done.owner, done.message], ['Succeeded', 4_000, 6_000, undefined, 'synced to ccc']);
  assert.deepEqual(done.objectsChanged, [{ kind: 'Deployment', name: 'api', action: 'configured' }]);
  await assert.rejects(store.syncs.update(sync.id, { status: 'Terminated' }, { ifStatus: ['Pending', 'Running'] }), ConflictError);
  assert.equal((await store.syncs.get(sync.id)).status, 'Succeeded');
  await assert.rejects(store.syncs.update('missing', { phase: 'x' }), NotFoundError);
  await assert.rejects(store.syncs.update(sync.id, { status: 'Finished' as 'Failed' }), /status: expected one of/);
});

test('listByApp pages newest first; latest is the highest number', async () => {
  for (let i = 0; i < 5; i++) await store.syncs.create(web.id, { revision: rev(String(i)), triggeredBy: '@auto' });
  const numbers = async (options?: { limit?: number; before?: number }): Promise<number[]> =>
    (await store.syncs.listByApp(web.id, options)).map((s) => s.number);
  assert.deepEqual(await numbers(), [6, 5, 4, 3, 2, 1]);
  assert.deepEqual(await numbers({ limit: 2 }), [6, 5]);
  assert.deepEqual(await numbers({ limit: 2, before: 5 }), [4, 3]);
  assert.deepEqual(await numbers({ before: 2 }), [1]);
  assert.equal((await store.syncs.latest(web.id))?.revision, rev('4'));
  assert.equal(await store.syncs.latest('missing'), undefined);
  assert.deepEqual(await store.syncs.listByApp('missing'), []);
});

test('listByStatus finds unfinished syncs across applications, oldest first', async () => {
  const unfinished = await store.syncs.listByStatus(['Pending', 'Running']);
  assert.ok(unfinished.length > 0);
  assert.ok(unfinished.every((s) => s.status === 'Pending' || s.status === 'Running'));
  const order = unfinished.map((s) => [s.createdAt, s.number] as const);
  assert.deepEqual(order, [...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
  assert.deepEqual(new Set(unfinished.map((s) => s.appId)), new Set([api.id, web.id]));
  assert.deepEqual((await store.syncs.listByStatus(['Succeeded'])).map((s) => s.revision), [rev('c')]);
  assert.deepEqual(await store.syncs.listByStatus([]), []);
});

test('concurrent creates from two connections get distinct, increasing numbers', async () => {
  const other = await openTestStore({ path, secretKey });
  try {
    const start = (await store.syncs.latest(api.id))?.number ?? 0;
    const created: SyncRecord[] = [];
    for (let round = 0; round < 20; round++) {
      created.push(
        ...(await Promise.all([
          store.syncs.create(api.id, { revision: rev('d'), triggeredBy: 'one' }),
          other.syncs.create(api.id, { revision: rev('e'), triggeredBy: 'two' }),
        ])),
      );
    }
    assert.deepEqual(created.map((s) => s.number).sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => start + 1 + i));
  } finally {
    await other.close();
  }
});

/** A process that opens the store, waits for a line on stdin, creates `count` syncs and prints their numbers. */
function creator(appId: string, count: number, name: string): { go: () => void; numbers: Promise<number[]> } {
  const helperUrl = new URL('../test-store.test-helper.ts', import.meta.url).href;
  const code = `
    import { openTestStore } from ${JSON.stringify(helperUrl)};
    import { once } from 'node:events';
    const store = await openTestStore({ path: ${JSON.stringify(path)}, secretKey: ${JSON.stringify(secretKey)} });
    process.stdout.write('ready\\n');
    await once(process.stdin, 'data');
    const numbers = [];
    for (let i = 0; i < ${count}; i++) numbers.push((await store.syncs.create(${JSON.stringify(appId)}, { revision: 'f'.repeat(40), triggeredBy: ${JSON.stringify(name)} })).number);
    await store.close();
    process.stdout.write(JSON.stringify(numbers) + '\\n');
    process.exit(0);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '--eval', code], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const numbers = new Promise<number[]>((resolve, reject) => {
    child.on('exit', (status) => {
      children.delete(child);
      if (status !== 0) return reject(new Error(`creator ${name} exited with ${String(status)}: ${err}`));
      resolve(JSON.parse(out.slice('ready\n'.length)) as number[]);
    });
  });
  return { go: () => void ready.then(() => child.stdin.end('go\n')), numbers };
}

test('two processes creating syncs at once never share or reuse a number', async () => {
  const start = (await store.syncs.latest(web.id))?.number ?? 0;
  const count = 30;
  const a = creator(web.id, count, 'process-a');
  const b = creator(web.id, count, 'process-b');
  a.go();
  b.go();
  const [fromA, fromB] = await Promise.all([a.numbers, b.numbers]);
  for (const numbers of [fromA, fromB]) {
    assert.deepEqual(numbers, [...numbers].sort((x, y) => x - y), 'each process sees its numbers increase');
  }
  assert.deepEqual([...fromA, ...fromB].sort((x, y) => x - y), Array.from({ length: 2 * count }, (_, i) => start + 1 + i));
  assert.equal((await store.syncs.latest(web.id))?.number, start + 2 * count);
});

test('syncs survive reopening the file, and a resumable state is read back as written', async () => {
  const history = await store.syncs.listByApp(api.id, { limit: 100 });
  await store.close();
  store = await openTestStore({ path, secretKey, clock });
  assert.deepEqual(await store.syncs.listByApp(api.id, { limit: 100 }), history);
  const running = (await store.syncs.listByStatus(['Running'])).find((s) => s.appId === api.id);
  assert.deepEqual(running?.state, { wave: 0, applied: ['v1/Namespace/api'] });
  const next = await store.syncs.create(api.id, { revision: rev('9'), triggeredBy: '@auto' });
  assert.equal(next.number, (history[0]?.number ?? 0) + 1, 'the counter continues after reopening');
});

test('a database of schema version 3 gains the GitOps tables with its data kept', sqliteOnly, async () => {
  const oldPath = join(dir, 'v3.sqlite');
  const old = new Database(oldPath, 1000);
  await migrate(old, migrations.filter((m) => m.version <= 3), 500);
  await old.run(
    `INSERT INTO repos (id, namespace, name, clone_url, default_branch, visibility, config_path, timeout_minutes, trusted, created_at, updated_at)
     VALUES ('r1', 'acme', 'config', 'x', 'main', 'private', '.drone.yml', 60, 0, 500, 500)`,
  );
  await old.close();
  const upgraded = await openStore({ path: oldPath, secretKey, clock });
  try {
    assert.equal((await upgraded.repos.get('r1')).slug, 'acme/config');
    assert.deepEqual(await upgraded.clusters.list(), []);
    const cluster = await upgraded.clusters.create({ name: 'local', inCluster: true });
    const application = await upgraded.applications.create({
      name: 'config',
      source: { repoUrl: 'acme/config', path: '', revision: 'main' },
      destination: { clusterId: cluster.id, namespace: 'default' },
    });
    assert.equal((await upgraded.syncs.create(application.id, { revision: rev('a'), triggeredBy: '@auto' })).number, 1);
    await upgraded.applicationStatus.set(application.id, { syncStatus: 'Synced', health: 'Healthy', resources: [] });
    assert.equal((await upgraded.applicationStatus.get(application.id))?.health, 'Healthy');
  } finally {
    await upgraded.close();
  }
});
