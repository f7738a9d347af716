import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConfigError, ConflictError, NotFoundError } from '../../core/index.ts';
import { openTestStore } from '../test-store.test-helper.ts';
import type { ApplicationInput, ClusterRecord, Store } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-store-applications-'));
const path = join(dir, 'db.sqlite');
const secretKey = Buffer.alloc(32, 9);
let time = 1_000;
const clock = { now: () => time };
let store: Store;
let staging: ClusterRecord;
let production: ClusterRecord;

before(async () => {
  store = await openTestStore({ path, secretKey, clock });
  staging = await store.clusters.create({ name: 'staging', inCluster: true });
  production = await store.clusters.create({ name: 'production', inCluster: true });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function app(name: string, clusterId: string, overrides: Partial<ApplicationInput> = {}): ApplicationInput {
  return {
    name,
    source: { repoUrl: 'acme/config', path: `envs/${name}`, revision: 'main' },
    destination: { clusterId, namespace: 'api' },
    ...overrides,
  };
}

const ignoreReplicas = [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }];

test('create and read back an application', async () => {
  const created = await store.applications.create(
    app('api-staging', staging.id, {
      syncPolicy: { automated: true, selfHeal: true },
      environment: 'staging',
      service: 'api',
      ignoreDifferences: ignoreReplicas,
    }),
  );
  assert.deepEqual({ ...created, id: 'x' }, {
    id: 'x',
    name: 'api-staging',
    source: { repoUrl: 'acme/config', path: 'envs/api-staging', revision: 'main' },
    destination: { clusterId: staging.id, namespace: 'api' },
    syncPolicy: { automated: true, prune: false, selfHeal: true, force: false },
    environment: 'staging',
    service: 'api',
    ignoreDifferences: ignoreReplicas,
    createdAt: 1_000,
    updatedAt: 1_000,
  });
  assert.deepEqual(await store.applications.get(created.id), created);
  assert.deepEqual(await store.applications.findByName('api-staging'), created);
  assert.equal(await store.applications.findByName('api-nope'), undefined);

  const manual = await store.applications.create(app('api-production', production.id));
  assert.deepEqual(manual.syncPolicy, { automated: false, prune: false, selfHeal: false, force: false });
  assert.deepEqual(manual.ignoreDifferences, []);
  assert.equal('environment' in manual, false, 'absent optional fields are left out');
});

test('list orders by name and filters by cluster', async () => {
  await store.applications.create(app('web-staging', staging.id));
  assert.deepEqual((await store.applications.list()).map((a) => a.name), ['api-production', 'api-staging', 'web-staging']);
  assert.deepEqual((await store.applications.list({ clusterId: staging.id })).map((a) => a.name), ['api-staging', 'web-staging']);
  assert.deepEqual((await store.applications.list({ clusterId: 'missing' })).map((a) => a.name), []);
});

test('names are unique; bad input is refused', async () => {
  await assert.rejects(store.applications.create(app('api-staging', production.id)), ConflictError);
  await assert.rejects(store.applications.create(app('orphan', 'no-such-cluster')), NotFoundError);
  for (const name of ['Bad_Name', 'api.staging', 'a'.repeat(64)]) {
    await assert.rejects(store.applications.create(app(name, staging.id)), (error: unknown) => error instanceof ConfigError && /^name:/.test(error.message), name);
  }
  await assert.rejects(
    store.applications.create(app('bad-namespace', staging.id, { destination: { clusterId: staging.id, namespace: 'Api' } })),
    /destination\.namespace/,
  );
  await assert.rejects(store.applications.create(app('no-repo', staging.id, { source: { repoUrl: '', path: '', revision: 'main' } })), /source\.repoUrl/);
  await assert.rejects(store.applications.create(app('bad-rules', staging.id, { ignoreDifferences: { not: 'a list' } as unknown as unknown[] })), /ignoreDifferences/);
  await assert.rejects(store.applications.create(app('bigint-rules', staging.id, { ignoreDifferences: [1n] })), /ignoreDifferences: expected JSON data/);
  assert.equal((await store.applications.list()).length, 3);
});

test('update changes the given fields and clears optional ones with null', async () => {
  const before = await store.applications.findByName('api-staging');
  assert.ok(before);
  time = 2_000;
  const after = await store.applications.update(before.id, {
    source: { revision: 'release-1' },
    destination: { clusterId: production.id },
    syncPolicy: { prune: true, selfHeal: false, force: true },
    environment: null,
    ignoreDifferences: [],
  });
  assert.deepEqual(after, {
    id: before.id,
    name: 'api-staging',
    source: { ...before.source, revision: 'release-1' },
    destination: { clusterId: production.id, namespace: 'api' },
    syncPolicy: { automated: true, prune: true, selfHeal: false, force: true },
    service: 'api',
    ignoreDifferences: [],
    createdAt: 1_000,
    updatedAt: 2_000,
  });
  await assert.rejects(store.applications.update(before.id, { destination: { clusterId: 'missing' } }), NotFoundError);
  await assert.rejects(store.applications.update(before.id, { destination: { namespace: 'No' } }), ConfigError);
  await assert.rejects(store.applications.update('missing', { environment: 'x' }), NotFoundError);
  assert.deepEqual(await store.applications.get(before.id), after, 'refused updates change nothing');
});

test('the status row is created, replaced and read separately', async () => {
  const target = await store.applications.findByName('web-staging');
  assert.ok(target);
  assert.equal(await store.applicationStatus.get(target.id), undefined);
  time = 3_000;
  const resources = [{ kind: 'Deployment', name: 'web', namespace: 'api', status: 'OutOfSync', health: 'Missing' }];
  const first = await store.applicationStatus.set(target.id, { syncStatus: 'OutOfSync', health: 'Missing', resources, message: '1 object missing' });
  assert.deepEqual(first, {
    appId: target.id,
    syncStatus: 'OutOfSync',
    health: 'Missing',
    observedAt: 3_000,
    message: '1 object missing',
    resources,
    updatedAt: 3_000,
  });
  time = 4_000;
  const second = await store.applicationStatus.set(target.id, {
    syncStatus: 'Synced',
    health: 'Healthy',
    revision: 'a'.repeat(40),
    observedAt: 3_900,
    resources: [],
  });
  assert.deepEqual(second, { appId: target.id, syncStatus: 'Synced', health: 'Healthy', revision: 'a'.repeat(40), observedAt: 3_900, resources: [], updatedAt: 4_000 });
  assert.deepEqual(await store.applicationStatus.get(target.id), second);
  assert.equal((await store.applications.get(target.id)).updatedAt, 1_000, 'the definition is not touched');

  await assert.rejects(store.applicationStatus.set('missing', { syncStatus: 'Unknown', health: 'Unknown', resources: [] }), NotFoundError);
  await assert.rejects(store.applicationStatus.set(target.id, { syncStatus: 'Fine' as 'Synced', health: 'Healthy', resources: [] }), /syncStatus: expected one of/);
  await assert.rejects(store.applicationStatus.set(target.id, { syncStatus: 'Synced', health: 'Good' as 'Healthy', resources: [] }), /health: expected one of/);
  await assert.rejects(store.applicationStatus.set(target.id, { syncStatus: 'Synced', health: 'Healthy', resources: undefined }), /resources: expected JSON/);
  assert.deepEqual(await store.applicationStatus.get(target.id), second);
});

test('applications and their status survive reopening the file', async () => {
  const apps = await store.applications.list();
  const web = apps.find((a) => a.name === 'web-staging');
  const status = await store.applicationStatus.get(web?.id ?? '');
  await store.close();
  store = await openTestStore({ path, secretKey, clock });
  assert.deepEqual(await store.applications.list(), apps);
  assert.deepEqual(await store.applicationStatus.get(web?.id ?? ''), status);
});

test('delete removes the application with its status and syncs', async () => {
  const target = await store.applications.findByName('web-staging');
  assert.ok(target);
  const sync = await store.syncs.create(target.id, { revision: 'b'.repeat(40), triggeredBy: '@auto' });
  await store.applications.delete(target.id);
  await assert.rejects(store.applications.get(target.id), NotFoundError);
  assert.equal(await store.applicationStatus.get(target.id), undefined);
  await assert.rejects(store.syncs.get(sync.id), NotFoundError);
  await assert.rejects(store.applications.delete(target.id), NotFoundError);
  const again = await store.applications.create(app('web-staging', staging.id));
  assert.equal((await store.syncs.create(again.id, { revision: 'c'.repeat(40), triggeredBy: '@auto' })).number, 1, 'a new application counts from 1');
});
