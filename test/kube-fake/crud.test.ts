import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKubeClient } from '../../src/kube/index.ts';
import { raw } from './raw-client.ts';
import { startFakeApiServer, type FakeApiServer } from './index.ts';

type Obj = { metadata: Record<string, unknown> & { resourceVersion: string; generation?: number }; spec?: Record<string, unknown>; status?: Record<string, unknown>; data?: Record<string, string> };
type Status = { kind: string; reason: string; code: number; message: string; details?: { causes?: { field: string }[] } };

const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = { a: '1' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data });
const deployment = (name: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } } },
});

describe('fake kube-apiserver: discovery and CRUD', () => {
  let server: FakeApiServer;
  before(async () => {
    server = await startFakeApiServer({ bookmarkIntervalMs: 0 });
  });
  after(() => server.close());

  it('answers discovery documents and refuses requests without the token', async () => {
    const core = await raw<{ versions: string[] }>(server, 'GET', '/api');
    assert.deepEqual(core.body.versions, ['v1']);
    const groups = await raw<{ groups: { name: string }[] }>(server, 'GET', '/apis');
    for (const group of ['apps', 'batch', 'networking.k8s.io', 'autoscaling', 'rbac.authorization.k8s.io', 'apiextensions.k8s.io']) {
      assert.ok(groups.body.groups.some((g) => g.name === group), group);
    }
    const apps = await raw<{ resources: { name: string; kind: string; namespaced: boolean; verbs: string[]; singularName: string }[] }>(server, 'GET', '/apis/apps/v1');
    const deployments = apps.body.resources.find((r) => r.name === 'deployments');
    assert.deepEqual([deployments?.kind, deployments?.namespaced, deployments?.singularName], ['Deployment', true, 'deployment']);
    assert.ok(deployments?.verbs.includes('patch'));
    assert.ok(apps.body.resources.some((r) => r.name === 'deployments/status'));
    const unauthorized = await raw<Status>(server, 'GET', '/api/v1/namespaces', undefined, { token: 'wrong' });
    assert.equal(unauthorized.status, 401);
    assert.equal(unauthorized.body.reason, 'Unauthorized');
  });

  it('creates, gets, lists with label selectors, updates with optimistic concurrency and deletes', async () => {
    const created = await raw<Obj>(server, 'POST', '/api/v1/namespaces/default/configmaps', cm('one', { app: 'a', tier: 'web' }));
    assert.equal(created.status, 201);
    assert.match(String(created.body.metadata.uid), /^[0-9a-f-]{36}$/);
    assert.ok(created.body.metadata.creationTimestamp);
    const duplicate = await raw<Status>(server, 'POST', '/api/v1/namespaces/default/configmaps', cm('one'));
    assert.deepEqual([duplicate.status, duplicate.body.kind, duplicate.body.reason], [409, 'Status', 'AlreadyExists']);
    await raw(server, 'POST', '/api/v1/namespaces/default/configmaps', cm('two', { app: 'b' }));
    await raw(server, 'POST', '/api/v1/namespaces/default/configmaps', cm('three', { app: 'c', tier: 'db' }));

    const names = async (selector: string) => {
      const list = await raw<{ kind: string; items: Obj[]; metadata: { resourceVersion: string } }>(server, 'GET', `/api/v1/namespaces/default/configmaps?labelSelector=${encodeURIComponent(selector)}`);
      assert.equal(list.body.kind, 'ConfigMapList');
      assert.ok(Number(list.body.metadata.resourceVersion) > 0);
      return list.body.items.map((item) => item.metadata.name).sort();
    };
    assert.deepEqual(await names('app=a'), ['one']);
    assert.deepEqual(await names('app in (a,c)'), ['one', 'three']);
    assert.deepEqual(await names('app notin (a),tier'), ['three']);
    assert.deepEqual(await names('app,!tier'), ['two']);
    assert.deepEqual(await names('app!=b'), ['one', 'three']);

    const got = await raw<Obj>(server, 'GET', '/api/v1/namespaces/default/configmaps/one');
    const stale = { ...got.body, data: { a: 'stale' }, metadata: { ...got.body.metadata, resourceVersion: '1' } };
    const conflict = await raw<Status>(server, 'PUT', '/api/v1/namespaces/default/configmaps/one', stale);
    assert.deepEqual([conflict.status, conflict.body.reason], [409, 'Conflict']);
    const updated = await raw<Obj>(server, 'PUT', '/api/v1/namespaces/default/configmaps/one', { ...got.body, data: { a: '2' } });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.data?.a, '2');
    assert.ok(Number(updated.body.metadata.resourceVersion) > Number(got.body.metadata.resourceVersion));

    const deleted = await raw<{ kind: string; status: string }>(server, 'DELETE', '/api/v1/namespaces/default/configmaps/one?propagationPolicy=Foreground');
    assert.deepEqual([deleted.status, deleted.body.status], [200, 'Success']);
    const missing = await raw<Status>(server, 'GET', '/api/v1/namespaces/default/configmaps/one');
    assert.deepEqual([missing.status, missing.body.reason, missing.body.message], [404, 'NotFound', 'configmaps "one" not found']);
  });

  it('rejects objects without a name and objects in a namespace that does not exist', async () => {
    const nameless = await raw<Status>(server, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} });
    assert.deepEqual([nameless.status, nameless.body.reason], [422, 'Invalid']);
    const nowhere = await raw<Status>(server, 'POST', '/api/v1/namespaces/nowhere/configmaps', cm('x'));
    assert.deepEqual([nowhere.status, nowhere.body.reason, nowhere.body.message], [404, 'NotFound', 'namespaces "nowhere" not found']);
  });

  it('deletes the objects of a deleted namespace', async () => {
    await raw(server, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    assert.equal((await raw(server, 'POST', '/api/v1/namespaces/doomed/configmaps', cm('inside'))).status, 201);
    assert.equal((await raw(server, 'DELETE', '/api/v1/namespaces/doomed')).status, 200);
    assert.equal((await raw(server, 'GET', '/api/v1/namespaces/doomed/configmaps/inside')).status, 404);
    assert.equal(server.objects({ namespace: 'doomed' }).length, 0);
  });

  it('keeps spec and status apart and counts generations on spec changes only', async () => {
    const base = '/apis/apps/v1/namespaces/default/deployments';
    const created = await raw<Obj>(server, 'POST', base, { ...deployment('web', 'nginx:1'), status: { replicas: 99 } });
    assert.equal(created.body.metadata.generation, 1);
    assert.equal(created.body.status, undefined);

    const live = (await raw<Obj>(server, 'GET', `${base}/web`)).body;
    const withStatus = await raw<Obj>(server, 'PUT', `${base}/web/status`, { ...live, spec: { ...live.spec, replicas: 7 }, status: { observedGeneration: 1, replicas: 2 } });
    assert.equal(withStatus.status, 200);
    assert.deepEqual(withStatus.body.status, { observedGeneration: 1, replicas: 2 });
    assert.equal(withStatus.body.spec?.replicas, 2, 'a status write leaves spec alone');
    assert.equal(withStatus.body.metadata.generation, 1);

    const specChange = await raw<Obj>(server, 'PUT', `${base}/web`, { ...withStatus.body, spec: { ...withStatus.body.spec, replicas: 3 }, status: { replicas: 0 } });
    assert.equal(specChange.body.metadata.generation, 2);
    assert.deepEqual(specChange.body.status, { observedGeneration: 1, replicas: 2 }, 'a main-resource write leaves status alone');

    const labelOnly = await raw<Obj>(server, 'PATCH', `${base}/web`, { metadata: { labels: { x: 'y' } } }, { contentType: 'application/merge-patch+json' });
    assert.equal(labelOnly.body.metadata.generation, 2, 'metadata changes do not count');

    const patchedStatus = await raw<Obj>(server, 'PATCH', `${base}/web/status`, { status: { readyReplicas: 3 } }, { contentType: 'application/merge-patch+json' });
    assert.equal(patchedStatus.body.status?.readyReplicas, 3);
    assert.equal((await raw<Obj>(server, 'GET', `${base}/web/status`)).body.status?.readyReplicas, 3);

    const available = server.completeRollout({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' });
    assert.deepEqual([(available.status as Record<string, unknown>).observedGeneration, (available.status as Record<string, unknown>).availableReplicas], [2, 3]);
  });

  it('applies JSON patches and refuses unknown patch types', async () => {
    await raw(server, 'POST', '/api/v1/namespaces/default/configmaps', cm('patched'));
    const patched = await raw<Obj>(server, 'PATCH', '/api/v1/namespaces/default/configmaps/patched', [{ op: 'add', path: '/data/b', value: '2' }, { op: 'remove', path: '/data/a' }], { contentType: 'application/json-patch+json' });
    assert.deepEqual(patched.body.data, { b: '2' });
    const unknown = await raw<Status>(server, 'PATCH', '/api/v1/namespaces/default/configmaps/patched', {}, { contentType: 'text/plain' });
    assert.equal(unknown.status, 415);
  });

  it('dry-runs create, update, apply and delete without storing anything', async () => {
    const before = server.resourceVersion();
    server.resetRequests();
    const created = await raw<Obj>(server, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=All', cm('dry'));
    assert.equal(created.status, 201);
    assert.equal(created.body.metadata.name, 'dry');
    assert.equal((await raw(server, 'GET', '/api/v1/namespaces/default/configmaps/dry')).status, 404);
    const applied = await raw<Obj>(server, 'PATCH', '/api/v1/namespaces/default/configmaps/dry?dryRun=All&fieldManager=m', cm('dry', {}, { k: 'v' }), { contentType: 'application/apply-patch+yaml' });
    assert.equal(applied.body.data?.k, 'v');
    await raw(server, 'POST', '/api/v1/namespaces/default/configmaps', cm('kept'));
    const afterCreate = server.resourceVersion();
    const kept = (await raw<Obj>(server, 'GET', '/api/v1/namespaces/default/configmaps/kept')).body;
    const update = await raw<Obj>(server, 'PUT', '/api/v1/namespaces/default/configmaps/kept?dryRun=All', { ...kept, data: { a: 'changed' } });
    assert.equal(update.body.data?.a, 'changed');
    assert.equal((await raw(server, 'DELETE', '/api/v1/namespaces/default/configmaps/kept?dryRun=All')).status, 200);
    const stored = (await raw<Obj>(server, 'GET', '/api/v1/namespaces/default/configmaps/kept')).body;
    assert.equal(stored.data?.a, '1');
    assert.equal(server.resourceVersion(), afterCreate);
    assert.notEqual(before, afterCreate);
    assert.equal(server.writeCount(), 1, 'only the real create counts as a write');
    assert.equal(server.requestCount('get'), 3);
  });

  it('serves custom resources once their CRD is created, and stops when it is deleted', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, subresources: { status: {} } }],
      },
    };
    assert.equal((await raw(server, 'GET', '/apis/example.com/v1/namespaces/default/widgets')).status, 404);
    assert.equal((await raw(server, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status, 201);
    const discovery = await raw<{ resources: { name: string }[] }>(server, 'GET', '/apis/example.com/v1');
    assert.ok(discovery.body.resources.some((r) => r.name === 'widgets'));
    const widget = await raw<Obj>(server, 'POST', '/apis/example.com/v1/namespaces/default/widgets', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } });
    assert.equal(widget.status, 201);
    assert.equal(widget.body.metadata.generation, 1);
    const list = await raw<{ items: { kind: string }[] }>(server, 'GET', '/apis/example.com/v1/widgets');
    assert.deepEqual(list.body.items.map((item) => item.kind), ['Widget']);
    await raw(server, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
    assert.equal((await raw(server, 'GET', '/apis/example.com/v1/namespaces/default/widgets/w')).status, 404);
    assert.equal(server.objects({ kind: 'Widget' }).length, 0);
  });
});

describe('fake kube-apiserver: owners and pod logs', () => {
  let server: FakeApiServer;
  before(async () => {
    server = await startFakeApiServer({ bookmarkIntervalMs: 0 });
  });
  after(() => server.close());

  it('deleting an owner deletes its dependents (and theirs), as the garbage collector does', async () => {
    const pod = await raw<Obj>(server, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'owner' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const owned = (name: string, owner: { name: string; uid: unknown; kind: string }) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, ownerReferences: [{ apiVersion: 'v1', ...owner }] } });
    const child = await raw<Obj>(server, 'POST', '/api/v1/namespaces/default/secrets', owned('child', { kind: 'Pod', name: 'owner', uid: pod.body.metadata.uid }));
    await raw(server, 'POST', '/api/v1/namespaces/default/secrets', owned('grandchild', { kind: 'Secret', name: 'child', uid: child.body.metadata.uid }));
    await raw(server, 'POST', '/api/v1/namespaces/default/secrets', owned('stranger', { kind: 'Pod', name: 'other', uid: 'not-this-one' }));
    assert.equal((await raw(server, 'DELETE', '/api/v1/namespaces/default/pods/owner')).status, 200);
    assert.deepEqual(server.objects({ kind: 'Secret' }).map((s) => (s.metadata as { name: string }).name), ['stranger']);
  });

  it('refuses pod logs when no kubelet serves them, and serves them through one', async () => {
    await raw(server, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const refused = await raw<Status>(server, 'GET', '/api/v1/namespaces/default/pods/p/log?container=c');
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /waiting to start/);
    server.serveLogs((request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`log of ${request.container}, follow=${request.follow}`);
    });
    const client = createKubeClient({ kubeconfig: server.kubeconfig });
    let text = '';
    for await (const chunk of client.logs({ name: 'p' }, { container: 'c', follow: true })) text += Buffer.from(chunk).toString();
    await client.close();
    assert.equal(text, 'log of c, follow=true');
    server.serveLogs(undefined);
    assert.equal((await raw(server, 'GET', '/api/v1/namespaces/default/pods/missing/log?container=c')).status, 404);
  });
});
