/** The kube client against the in-process fake kube-apiserver (test/kube-fake). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeApiServer } from '../../test/kube-fake/index.ts';
import type { FakeApiServer } from '../../test/kube-fake/index.ts';
import { NotFoundError } from '../core/index.ts';
import { ApplyConflictError, createKubeClient } from './index.ts';
import type { KubeClient, KubeObject, WatchEvent } from './index.ts';

const configMap = (name: string, data: Record<string, string>, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', labels },
  data,
});

describe('kube client against the fake API server', () => {
  let server: FakeApiServer;
  let client: KubeClient;
  before(async () => {
    server = await startFakeApiServer({ bookmarkIntervalMs: 0 });
    client = createKubeClient({ kubeconfig: server.kubeconfig });
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  test('a wrong token is an ExternalError with status 401, not retried as transient', async () => {
    const stranger = createKubeClient({ kubeconfig: server.kubeconfig.replace(server.token, 'wrong') });
    await assert.rejects(stranger.discover(), (error: unknown) => (error as { details?: { status?: number } }).details?.status === 401);
    await stranger.close();
  });

  test('discovery resolves kinds and names unknown ones; a CRD installed later is found', async () => {
    const catalog = await client.discover();
    assert.deepEqual(
      (({ group, version, resource, namespaced }) => ({ group, version, resource, namespaced }))(catalog.resolve({ apiVersion: 'apps/v1', kind: 'Deployment' })),
      { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true },
    );
    assert.equal(catalog.resolve({ apiVersion: 'v1', kind: 'Namespace' }).namespaced, false);
    assert.ok(catalog.resolve({ apiVersion: 'v1', kind: 'ConfigMap' }).verbs.includes('watch'));
    assert.throws(() => catalog.resolve({ apiVersion: 'example.com/v1', kind: 'Widget' }), (error: unknown) => error instanceof NotFoundError && /Widget/.test(error.message));

    await client.apply(
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets', singular: 'widget' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
      },
      { fieldManager: 'trunkline' },
    );
    const widget = await client.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } }, { fieldManager: 'trunkline' });
    assert.equal(widget.metadata.namespace, 'default');
    assert.deepEqual((await client.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w1' }))?.spec, { size: 3 });
  });

  test('apply creates, updates, and leaves an unchanged object untouched', async () => {
    const created = await client.apply(configMap('app', { color: 'blue' }), { fieldManager: 'trunkline' });
    assert.ok(created.metadata.uid);
    const again = await client.apply(configMap('app', { color: 'blue' }), { fieldManager: 'trunkline' });
    assert.equal(again.metadata.resourceVersion, created.metadata.resourceVersion);
    const updated = await client.apply(configMap('app', { color: 'green' }), { fieldManager: 'trunkline' });
    assert.notEqual(updated.metadata.resourceVersion, created.metadata.resourceVersion);
    assert.deepEqual(updated.data, { color: 'green' });
    assert.deepEqual(server.object({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'app' })?.data, { color: 'green' });
  });

  test('a field owned by another manager is a conflict with its fields and managers; force takes it', async () => {
    await client.apply(configMap('shared', { owner: 'helm', other: 'x' }), { fieldManager: 'helm' });
    await assert.rejects(client.apply(configMap('shared', { owner: 'trunkline' }), { fieldManager: 'trunkline' }), (error: unknown) => {
      assert.ok(error instanceof ApplyConflictError, String(error));
      assert.deepEqual(error.conflicts.map((c) => [c.field, c.manager]), [['.data.owner', 'helm']]);
      return true;
    });
    const forced = await client.apply(configMap('shared', { owner: 'trunkline' }), { fieldManager: 'trunkline', force: true });
    assert.deepEqual(forced.data, { owner: 'trunkline', other: 'x' });
  });

  test('dry-run apply and delete store nothing', async () => {
    const preview = await client.apply(configMap('dry', { a: '1' }), { fieldManager: 'trunkline', dryRun: true });
    assert.deepEqual(preview.data, { a: '1' });
    assert.equal(await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'dry' }), undefined);
    await client.apply(configMap('kept', { a: '1' }), { fieldManager: 'trunkline' });
    assert.equal(await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'kept' }, { dryRun: true }), true);
    assert.ok(await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'kept' }));
  });

  test('an object in a missing namespace is a NotFoundError', async () => {
    await assert.rejects(client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'nowhere' } }, { fieldManager: 'trunkline' }), NotFoundError);
  });

  test('get, list by label, delete', async () => {
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }, { fieldManager: 'trunkline' });
    await client.apply({ ...configMap('one', { n: '1' }, { app: 'web' }), metadata: { name: 'one', namespace: 'team-a', labels: { app: 'web' } } }, { fieldManager: 'trunkline' });
    await client.apply(configMap('two', { n: '2' }, { app: 'web' }), { fieldManager: 'trunkline' });
    await client.apply(configMap('three', { n: '3' }, { app: 'db' }), { fieldManager: 'trunkline' });
    const all = await client.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { labelSelector: 'app=web' });
    assert.deepEqual(all.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`).sort(), ['default/two', 'team-a/one']);
    assert.ok(all.items.every((i) => i.kind === 'ConfigMap' && i.apiVersion === 'v1'));
    assert.match(all.resourceVersion, /^\d+$/);
    const inTeam = await client.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: 'team-a', labelSelector: 'app' });
    assert.deepEqual(inTeam.items.map((i) => i.metadata.name), ['one']);
    assert.deepEqual((await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'one', namespace: 'team-a' }))?.data, { n: '1' });
    assert.equal(await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'one', namespace: 'team-a' }, { propagationPolicy: 'Background' }), true);
    assert.equal(await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'one', namespace: 'team-a' }), false);
    assert.equal(await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'one', namespace: 'team-a' }), undefined);
  });

  test('watch from a list delivers every later change in order', async () => {
    const start = await client.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { labelSelector: 'watched=yes' });
    const events: WatchEvent[] = [];
    let seenAll: () => void = () => {};
    const allSeen = new Promise<void>((resolve) => (seenAll = resolve));
    const handle = client.watch(
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { labelSelector: 'watched=yes', resourceVersion: start.resourceVersion, allowBookmarks: true },
      (event) => {
        events.push(event);
        if (event.type === 'DELETED') seenAll();
      },
      (error) => assert.fail(`watch ended: ${String(error)}`),
    );
    try {
      await client.apply(configMap('w', { v: '1' }, { watched: 'yes' }), { fieldManager: 'trunkline' });
      await client.apply(configMap('w', { v: '2' }, { watched: 'yes' }), { fieldManager: 'trunkline' });
      await client.apply(configMap('ignored', { v: '1' }, { watched: 'no' }), { fieldManager: 'trunkline' });
      await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'w' });
      await allSeen;
      assert.deepEqual(events.map((e) => [e.type, e.object.metadata.name, (e.object.data as { v?: string } | undefined)?.v]), [['ADDED', 'w', '1'], ['MODIFIED', 'w', '2'], ['DELETED', 'w', '2']]);
      const versions = events.map((e) => Number(e.object.metadata.resourceVersion));
      assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
    } finally {
      handle.stop();
    }
  });
});
