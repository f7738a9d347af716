import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { raw } from './raw-client.ts';
import { startFakeApiServer, type FakeApiServer } from './index.ts';

type Managed = { manager: string; operation: string; fieldsV1: Record<string, unknown>; subresource?: string };
type Obj = { metadata: { resourceVersion: string; managedFields?: Managed[]; labels?: Record<string, string> }; data?: Record<string, string>; spec?: { template: { spec: { containers: Record<string, unknown>[] } } } };
type Status = { kind: string; reason: string; code: number; message: string; details?: { causes?: { field: string; message: string }[] } };

const path = '/api/v1/namespaces/default/configmaps';

describe('fake kube-apiserver: server-side apply', () => {
  let server: FakeApiServer;
  before(async () => {
    server = await startFakeApiServer({ bookmarkIntervalMs: 0 });
  });
  after(() => server.close());

  const apply = (name: string, manager: string, body: unknown, extra = '') =>
    raw<Obj & Status>(server, 'PATCH', `${path}/${name}?fieldManager=${manager}${extra}`, typeof body === 'string' ? body : JSON.stringify(body), { contentType: 'application/apply-patch+yaml' });
  const config = (name: string, data: Record<string, string>, labels?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(labels ? { labels } : {}) }, data });

  it('creates from YAML and records the manager’s fields in managedFields', async () => {
    const created = await apply('yaml', 'alpha', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml\n  labels: {app: demo}\ndata:\n  key: value\n');
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.metadata.managedFields?.map((m) => [m.manager, m.operation]), [['alpha', 'Apply']]);
    assert.deepEqual(created.body.metadata.managedFields?.[0]?.fieldsV1, { 'f:data': { '.': {}, 'f:key': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } });
    const again = await apply('yaml', 'alpha', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml\n  labels: {app: demo}\ndata:\n  key: value\n');
    assert.equal(again.status, 200);
    assert.equal(again.body.metadata.resourceVersion, created.body.metadata.resourceVersion, 'an apply that changes nothing is not a write');
  });

  it('requires a field manager', async () => {
    const response = await raw<Status>(server, 'PATCH', `${path}/nomanager`, config('nomanager', {}), { contentType: 'application/apply-patch+yaml' });
    assert.deepEqual([response.status, response.body.reason], [422, 'Invalid']);
  });

  it('reports conflicts with another manager’s differing fields, shares equal ones, and forces on request', async () => {
    await apply('shared', 'alpha', config('shared', { a: '1', b: '2' }));
    const same = await apply('shared', 'beta', config('shared', { a: '1' }));
    assert.equal(same.status, 200, 'the same value is co-owned');
    const owners = (field: string, object: Obj) => (object.metadata.managedFields ?? []).filter((m) => field in ((m.fieldsV1['f:data'] ?? {}) as object)).map((m) => m.manager).sort();
    assert.deepEqual(owners('f:a', same.body), ['alpha', 'beta']);

    const conflict = await apply('shared', 'beta', config('shared', { a: '1', b: 'changed' }));
    assert.deepEqual([conflict.status, conflict.body.kind, conflict.body.reason], [409, 'Status', 'Conflict']);
    assert.deepEqual(conflict.body.details?.causes?.map((c) => [c.field, c.message]), [['.data.b', 'conflict with "alpha"']]);
    assert.match(conflict.body.message, /Apply failed with 1 conflict: conflict with "alpha": \.data\.b/);

    const forced = await apply('shared', 'beta', config('shared', { a: '1', b: 'changed' }), '&force=true');
    assert.equal(forced.status, 200);
    assert.equal(forced.body.data?.b, 'changed');
    assert.deepEqual(owners('f:b', forced.body), ['beta'], 'forcing takes the field over');
  });

  it('conflicts with fields written by a plain update too', async () => {
    await raw(server, 'POST', `${path}?fieldManager=editor`, config('edited', { a: '1' }));
    const conflict = await apply('edited', 'applier', config('edited', { a: '2' }));
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.details?.causes?.[0]?.message, 'conflict with "editor" using v1');
  });

  it('removes fields a manager stops applying unless another manager owns them', async () => {
    await apply('prune', 'alpha', config('prune', { a: '1', b: '2', c: '3' }, { x: '1' }));
    await apply('prune', 'beta', config('prune', { c: '3' }));
    const pruned = await apply('prune', 'alpha', config('prune', { a: '1' }));
    assert.deepEqual(pruned.body.data, { a: '1', c: '3' }, 'b went, c stayed for beta');
    assert.equal(pruned.body.metadata.labels, undefined, 'labels nobody applies any more are gone');
  });

  it('merges lists keyed by name and tracks their items', async () => {
    const deployment = (containers: Record<string, unknown>[]) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers } } },
    });
    const base = '/apis/apps/v1/namespaces/default/deployments/web';
    const applyDeployment = (manager: string, body: unknown, extra = '') => raw<Obj & Status>(server, 'PATCH', `${base}?fieldManager=${manager}${extra}`, body, { contentType: 'application/apply-patch+yaml' });
    await applyDeployment('alpha', deployment([{ name: 'app', image: 'app:1', ports: [{ containerPort: 8080 }] }]));
    const sidecar = await applyDeployment('beta', deployment([{ name: 'sidecar', image: 'proxy:1' }]));
    assert.deepEqual(sidecar.body.spec?.template.spec.containers.map((c) => c.name), ['app', 'sidecar']);
    const fields = sidecar.body.metadata.managedFields?.find((m) => m.manager === 'alpha')?.fieldsV1 as Record<string, Record<string, Record<string, Record<string, Record<string, Record<string, unknown>>>>>>;
    const container = fields['f:spec']?.['f:template']?.['f:spec']?.['f:containers']?.['k:{"name":"app"}'];
    assert.deepEqual(Object.keys(container ?? {}).sort(), ['.', 'f:image', 'f:name', 'f:ports']);
    assert.ok('k:{"containerPort":8080}' in ((container?.['f:ports'] ?? {}) as object));
    const conflict = await applyDeployment('beta', deployment([{ name: 'sidecar', image: 'proxy:1' }, { name: 'app', image: 'app:2' }]));
    assert.equal(conflict.body.details?.causes?.[0]?.field, '.spec.template.spec.containers[name="app"].image');
    const dropped = await applyDeployment('beta', deployment([]));
    assert.deepEqual(dropped.body.spec?.template.spec.containers.map((c) => c.name), ['app'], 'the item beta alone owned is removed');
  });

  it('applies to the status subresource separately from the object', async () => {
    await raw(server, 'POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'status-apply' },
      spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'x', image: 'x' }] } } },
    });
    const response = await raw<Obj & { status?: Record<string, unknown> }>(
      server,
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/status-apply/status?fieldManager=controller',
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'status-apply' }, status: { replicas: 1 } },
      { contentType: 'application/apply-patch+yaml' },
    );
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.status, { replicas: 1 });
    assert.deepEqual(response.body.metadata.managedFields?.find((m) => m.manager === 'controller')?.subresource, 'status');
  });
});
