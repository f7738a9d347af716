import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import { ConfigError, ConflictError, NotFoundError } from '../../core/index.ts';
import { openTestStore, sqliteOnly } from '../test-store.test-helper.ts';
import type { Store } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-clusters-'));
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

function kubeconfig(server: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: target',
    `    cluster: { server: '${server}' }`,
    'contexts:',
    '  - name: trunkline',
    '    context: { cluster: target, user: trunkline }',
    'current-context: trunkline',
    'users:',
    '  - name: trunkline',
    `    user: { token: '${token}' }`,
    '',
  ].join('\n');
}

test('a cluster with a kubeconfig: the record tells the server, never the kubeconfig', async () => {
  const config = kubeconfig('https://staging.example.test:6443', 'token-staging');
  const cluster = await store.clusters.create({ name: 'staging', kubeconfig: config });
  assert.deepEqual({ ...cluster, id: 'x' }, {
    id: 'x',
    name: 'staging',
    server: 'https://staging.example.test:6443',
    inCluster: false,
    hasKubeconfig: true,
    createdAt: 1_000,
    updatedAt: 1_000,
  });
  assert.ok(!JSON.stringify(await store.clusters.list()).includes('token-staging'));
  assert.equal(await store.clusters.revealKubeconfig(cluster.id), config);
  assert.deepEqual(await store.clusters.get(cluster.id), cluster);
  assert.deepEqual(await store.clusters.findByName('staging'), cluster);
  assert.equal(await store.clusters.findByName('nope'), undefined);
});

test('an in-cluster cluster has no kubeconfig', async () => {
  const cluster = await store.clusters.create({ name: 'local', inCluster: true });
  assert.equal(cluster.inCluster, true);
  assert.equal(cluster.hasKubeconfig, false);
  assert.equal(cluster.server, 'https://kubernetes.default.svc');
  assert.equal(await store.clusters.revealKubeconfig(cluster.id), undefined);
  assert.deepEqual((await store.clusters.list()).map((c) => c.name), ['local', 'staging']);
});

test('exactly one of kubeconfig and inCluster, a DNS-label name, a usable kubeconfig', async () => {
  const config = kubeconfig('https://a.test', 't');
  await assert.rejects(store.clusters.create({ name: 'both', kubeconfig: config, inCluster: true }), /exactly one of kubeconfig and inCluster/);
  await assert.rejects(store.clusters.create({ name: 'neither' }), ConfigError);
  await assert.rejects(store.clusters.create({ name: 'neither', inCluster: false }), ConfigError);
  for (const name of ['', 'Prod', 'prod_eu', '-prod', 'prod-', 'a'.repeat(64), 'eu.prod']) {
    await assert.rejects(store.clusters.create({ name, inCluster: true }), (error: unknown) => error instanceof ConfigError && /^name:/.test(error.message), name);
  }
  await assert.rejects(store.clusters.create({ name: 'broken', kubeconfig: 'clusters: []' }), /kubeconfig: current-context/);
  assert.equal(await store.clusters.findByName('broken'), undefined);
});

test('names are unique', async () => {
  await assert.rejects(store.clusters.create({ name: 'staging', inCluster: true }), ConflictError);
  const other = await store.clusters.create({ name: 'other', inCluster: true });
  await assert.rejects(store.clusters.update(other.id, { name: 'staging' }), ConflictError);
  assert.equal((await store.clusters.get(other.id)).name, 'other');
});

test('update renames, replaces the kubeconfig and switches to and from in-cluster', async () => {
  const cluster = await store.clusters.create({ name: 'moving', inCluster: true });
  time = 2_000;
  const renamed = await store.clusters.update(cluster.id, { name: 'moved' });
  assert.deepEqual(renamed, { ...cluster, name: 'moved', updatedAt: 2_000 });

  await assert.rejects(store.clusters.update(cluster.id, { inCluster: false }), /needs a kubeconfig/);
  const first = kubeconfig('https://first.test', 'token-first');
  const external = await store.clusters.update(cluster.id, { kubeconfig: first });
  assert.equal(external.inCluster, false);
  assert.equal(external.hasKubeconfig, true);
  assert.equal(external.server, 'https://first.test');
  assert.equal(await store.clusters.revealKubeconfig(cluster.id), first);

  const second = kubeconfig('https://second.test', 'token-second');
  assert.equal((await store.clusters.update(cluster.id, { kubeconfig: second, inCluster: false })).server, 'https://second.test');
  assert.equal(await store.clusters.revealKubeconfig(cluster.id), second);
  assert.equal((await store.clusters.update(cluster.id, { inCluster: false })).hasKubeconfig, true, 'already external: nothing to do');

  await assert.rejects(store.clusters.update(cluster.id, { kubeconfig: second, inCluster: true }), ConfigError);
  await assert.rejects(store.clusters.update(cluster.id, { kubeconfig: 'nonsense: [' }), /not valid YAML/);
  assert.equal(await store.clusters.revealKubeconfig(cluster.id), second, 'a refused update changes nothing');

  const internal = await store.clusters.update(cluster.id, { inCluster: true });
  assert.equal(internal.inCluster, true);
  assert.equal(internal.hasKubeconfig, false);
  assert.equal(internal.server, 'https://kubernetes.default.svc');
  assert.equal(await store.clusters.revealKubeconfig(cluster.id), undefined);

  await assert.rejects(store.clusters.update('missing', { name: 'x' }), NotFoundError);
  await assert.rejects(store.clusters.revealKubeconfig('missing'), NotFoundError);
});

test('the kubeconfig is not readable in the raw file or its write-ahead log', sqliteOnly, async () => {
  const token = `token-marker-${randomBytes(8).toString('hex')}`;
  const config = kubeconfig('https://raw.test', token);
  const cluster = await store.clusters.create({ name: 'raw-bytes', kubeconfig: config });
  assert.equal(await store.clusters.revealKubeconfig(cluster.id), config);
  assert.ok(readdirSync(dir).includes('db.sqlite-wal'), 'the write-ahead log is part of the check');
  const bytes = rawBytes();
  assert.ok(bytes.includes(Buffer.from('raw-bytes')), 'the name is stored in clear, so the check looks at the right file');
  assert.ok(!bytes.includes(Buffer.from(token)));
  assert.ok(!bytes.includes(Buffer.from('current-context: trunkline')));
});

test('another key or a moved ciphertext fails clearly', sqliteOnly, async () => {
  const a = await store.clusters.create({ name: 'swap-a', kubeconfig: kubeconfig('https://a.test', 'token-a') });
  const b = await store.clusters.create({ name: 'swap-b', kubeconfig: kubeconfig('https://b.test', 'token-b') });
  const wrong = await openTestStore({ path, secretKey: randomBytes(32) });
  try {
    await assert.rejects(
      wrong.clusters.revealKubeconfig(a.id),
      (error: unknown) => error instanceof ConfigError && /kubeconfig of cluster swap-a: .*another secret key/.test(error.message),
    );
    assert.equal((await wrong.clusters.get(a.id)).hasKubeconfig, true, 'metadata stays readable');
  } finally {
    await wrong.close();
  }
  const raw = new DatabaseSync(path);
  try {
    raw
      .prepare('UPDATE clusters SET (nonce, ciphertext, auth_tag) = (SELECT nonce, ciphertext, auth_tag FROM clusters WHERE id = ?) WHERE id = ?')
      .run(a.id, b.id);
  } finally {
    raw.close();
  }
  await assert.rejects(
    store.clusters.revealKubeconfig(b.id),
    (error: unknown) => error instanceof ConfigError && /kubeconfig of cluster swap-b: .*authentication failed/.test(error.message),
  );
  assert.match((await store.clusters.revealKubeconfig(a.id)) ?? '', /token-a/);
});

test('delete; refused while applications deploy to the cluster', async () => {
  const cluster = await store.clusters.create({ name: 'busy', inCluster: true });
  const app = await store.applications.create({
    name: 'api-busy',
    source: { repoUrl: 'acme/config', path: 'busy/api', revision: 'main' },
    destination: { clusterId: cluster.id, namespace: 'api' },
  });
  await assert.rejects(
    store.clusters.delete(cluster.id),
    (error: unknown) => error instanceof ConflictError && /destination of applications: api-busy/.test(error.message),
  );
  await store.applications.delete(app.id);
  await store.clusters.delete(cluster.id);
  await assert.rejects(store.clusters.get(cluster.id), NotFoundError);
  await assert.rejects(store.clusters.delete(cluster.id), NotFoundError);
});

test('clusters survive reopening the file', async () => {
  const before = await store.clusters.list();
  const staging = before.find((c) => c.name === 'staging');
  await store.close();
  store = await openTestStore({ path, secretKey, clock: { now: () => time } });
  assert.deepEqual(await store.clusters.list(), before);
  assert.match((await store.clusters.revealKubeconfig(staging?.id ?? '')) ?? '', /token-staging/);
});
