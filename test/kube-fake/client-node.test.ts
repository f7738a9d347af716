import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startFakeApiServer, type FakeApiServer } from './index.ts';

describe('fake kube-apiserver with @kubernetes/client-node', () => {
  let server: FakeApiServer;
  let kc: k8s.KubeConfig;
  before(async () => {
    server = await startFakeApiServer({ bookmarkIntervalMs: 0 });
    kc = new k8s.KubeConfig();
    kc.loadFromString(server.kubeconfig);
  });
  after(() => server.close());

  it('lists, applies server-side, reports 404 and watches through the kubeconfig', async () => {
    const namespaces = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
    assert.ok(namespaces.items.some((ns) => ns.metadata?.name === 'default'));

    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const applied = await objects.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'client', namespace: 'default' }, data: { x: '1' } } as k8s.KubernetesObject,
      undefined,
      undefined,
      'trunkline',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    assert.deepEqual(applied.metadata?.managedFields?.map((m) => [m.manager, m.operation]), [['trunkline', 'Apply']]);

    await assert.rejects(kc.makeApiClient(k8s.CoreV1Api).readNamespacedConfigMap({ name: 'absent', namespace: 'default' }), (error: { code?: number }) => error.code === 404);

    const watcher = new k8s.Watch(kc);
    let received!: (event: [string, string | undefined]) => void;
    const event = new Promise<[string, string | undefined]>((resolve) => (received = resolve));
    const controller = await watcher.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: server.resourceVersion() },
      (type, object: k8s.KubernetesObject) => received([type, object.metadata?.name]),
      () => undefined,
    );
    await objects.patch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'client', namespace: 'default' }, data: { x: '2' } } as k8s.KubernetesObject, undefined, undefined, 'trunkline', true, k8s.PatchStrategy.ServerSideApply);
    assert.deepEqual(await event, ['MODIFIED', 'client']);
    controller.abort();
  });
});
