/** ObjectCache against the in-process fake kube-apiserver (test/kube-fake). */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { startFakeApiServer } from '../../test/kube-fake/index.ts';
import type { FakeApiServer } from '../../test/kube-fake/index.ts';
import { waitFor } from '../../test/helpers/wait.ts';
import { NotFoundError } from '../core/index.ts';
import { createKubeClient } from './index.ts';
import type { KubeClient, KubeObject } from './index.ts';
import { ObjectCache, withoutManagedFields } from './informer.ts';
import type { CacheEvent } from './informer.ts';

const deployments = { apiVersion: 'apps/v1', kind: 'Deployment' };
const configMaps = { apiVersion: 'v1', kind: 'ConfigMap' };
const managed = { 'app.kubernetes.io/managed-by': 'trunkline' };

function deployment(name: string, replicas: number, labels: Record<string, string> = managed): KubeObject {
  return {
    ...deployments,
    metadata: { name, namespace: 'default', labels },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'web:1' }] } } },
  };
}

/** Resolves with the first event `match` accepts from now on. */
function nextEvent(cache: ObjectCache, match: (event: CacheEvent) => boolean): Promise<CacheEvent> {
  return new Promise((resolve) => {
    const unsubscribe = cache.subscribe((event) => {
      if (!match(event)) return;
      unsubscribe();
      resolve(event);
    });
  });
}

describe('ObjectCache', () => {
  let server: FakeApiServer;
  let client: KubeClient;
  let cache: ObjectCache;
  beforeEach(async () => {
    server = await startFakeApiServer({ bookmarkIntervalMs: 0 });
    client = createKubeClient({ kubeconfig: server.kubeconfig });
    await client.apply(deployment('web', 1), { fieldManager: 'trunkline' });
    await client.apply({ ...configMaps, metadata: { name: 'settings', namespace: 'default', labels: managed }, data: { a: '1' } }, { fieldManager: 'trunkline' });
    await client.apply({ ...configMaps, metadata: { name: 'foreign', namespace: 'default' }, data: { a: '1' } }, { fieldManager: 'someone' });
    cache = new ObjectCache(client, { types: [deployments, configMaps], labelSelector: 'app.kubernetes.io/managed-by=trunkline', retryDelayMs: 1, maxRetryDelayMs: 20 }).start();
    await cache.synced();
    // synced() follows the lists; the watches open right after.
    await waitFor(() => server.watchCount() === 2, 'the watches to open');
  });
  afterEach(async () => {
    cache.stop();
    await client.close();
    await server.close();
  });

  test('holds the selected objects after the initial lists and follows changes', async () => {
    assert.deepEqual(cache.list().map((o) => `${o.kind}/${o.metadata.name}`).sort(), ['ConfigMap/settings', 'Deployment/web']);
    assert.equal(cache.get({ ...configMaps, namespace: 'default', name: 'foreign' }), undefined);
    assert.equal(cache.get({ ...deployments, namespace: 'default', name: 'web' })?.metadata.name, 'web');

    const added = nextEvent(cache, (e) => e.type === 'added');
    await client.apply(deployment('api', 2), { fieldManager: 'trunkline' });
    assert.equal((await added).key, 'apps/v1/Deployment/default/api');

    const modified = nextEvent(cache, (e) => e.type === 'modified');
    await client.apply(deployment('api', 3), { fieldManager: 'trunkline' });
    const change = await modified;
    assert.equal((change.object.spec as { replicas: number }).replicas, 3);
    assert.equal((change.previous?.spec as { replicas: number }).replicas, 2);

    const deleted = nextEvent(cache, (e) => e.type === 'deleted');
    await client.delete({ ...deployments, namespace: 'default', name: 'api' });
    assert.equal((await deleted).key, 'apps/v1/Deployment/default/api');
    assert.equal(cache.get({ ...deployments, namespace: 'default', name: 'api' }), undefined);
  });

  test('makes no requests in steady state; bookmarks advance the resourceVersion', async () => {
    server.resetRequests();
    // A change the selector hides moves the cluster's resourceVersion past the cache's.
    await client.apply({ ...configMaps, metadata: { name: 'foreign', namespace: 'default' }, data: { a: '2' } }, { fieldManager: 'someone' });
    const current = server.resourceVersion();
    assert.notEqual(cache.resourceVersion(configMaps), current);
    server.bookmark();
    await waitFor(() => cache.resourceVersion(configMaps) === current && cache.resourceVersion(deployments) === current, 'bookmarks to reach the cache');

    const modified = nextEvent(cache, (e) => e.type === 'modified');
    server.completeRollout({ ...deployments, namespace: 'default', name: 'web' });
    assert.equal(((await modified).object.status as { availableReplicas?: number }).availableReplicas, 1);
    assert.deepEqual(server.requests().map((r) => `${r.verb} ${r.resource}`), ['patch /configmaps']);
  });

  test('a dropped watch resumes from the last resourceVersion without missing events or relisting', async () => {
    server.resetRequests();
    const modified = nextEvent(cache, (e) => e.type === 'modified' && e.object.kind === 'Deployment');
    server.dropWatches();
    // Changed while no watch is open: the resumed watch must replay it.
    server.completeRollout({ ...deployments, namespace: 'default', name: 'web' });
    assert.equal(((await modified).object.status as { readyReplicas?: number }).readyReplicas, 1);
    await waitFor(() => server.watchCount() === 2, 'both watches to resume');
    assert.equal(server.requestCount('list'), 0);
    assert.equal(server.requestCount('watch'), 2);
  });

  test('an expired watch (410) relists and reports what changed meanwhile', async () => {
    const events: CacheEvent[] = [];
    cache.subscribe((event) => events.push(event));
    server.resetRequests();
    const modified = nextEvent(cache, (e) => e.type === 'modified' && e.object.kind === 'Deployment');
    server.dropWatches();
    server.completeRollout({ ...deployments, namespace: 'default', name: 'web' });
    server.compact();
    assert.equal(((await modified).object.status as { readyReplicas?: number }).readyReplicas, 1);
    await waitFor(() => server.requestCount('list') === 2 && server.watchCount() === 2, 'both kinds to relist and watch again');
    assert.deepEqual(events.map((e) => `${e.type} ${e.key}`), ['modified apps/v1/Deployment/default/web']);
    assert.equal(cache.list().length, 2);
  });

  test('synced() rejects for a kind the cluster does not serve', async () => {
    const broken = new ObjectCache(client, { types: [{ apiVersion: 'example.com/v1', kind: 'Widget' }], retryDelayMs: 1000 }).start();
    await assert.rejects(broken.synced(), (error: unknown) => error instanceof NotFoundError && /Widget/.test(error.message));
    broken.stop();
  });
});

test('withoutManagedFields drops only the managed fields', () => {
  const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'd', resourceVersion: '7', managedFields: [{ manager: 'x' }] }, data: { a: '1' } };
  const stripped = withoutManagedFields(object);
  assert.deepEqual(stripped, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'd', resourceVersion: '7' }, data: { a: '1' } });
  assert.equal(object.metadata.managedFields.length, 1, 'the input is not changed');
  const plain = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
  assert.equal(withoutManagedFields(plain), plain);
});
