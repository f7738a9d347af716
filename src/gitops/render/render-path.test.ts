import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { toolPath } from '../../../test/helpers/tools.ts';
import { ConfigError } from '../../core/index.ts';
import type { KubeObject } from '../../artifacts/index.ts';
import { appLabel, renderPath, trackingAnnotation } from './index.ts';

function folder(files: Record<string, string>): { dir: string; [Symbol.dispose]: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-render-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

const ids = (objects: KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.namespace ?? '-'}/${o.metadata.name}`);
const options = { namespace: 'shop-staging', appName: 'shop' };

const configMap = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}data:\n  a: "1"\n`;

test('plain manifests: multi-document, recursive, sorted by path, JSON too', async () => {
  using f = folder({
    'b.yaml': `${configMap('b1')}---\n${configMap('b2')}---\n`,
    'a/z.yml': configMap('az'),
    'a/nested/c.json': JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c' }, stringData: { x: 'y' } }),
    'README.md': 'not a manifest',
    '.hidden/x.yaml': configMap('hidden'),
  });
  const objects = await renderPath(f.dir, options);
  assert.deepEqual(ids(objects), ['Secret/shop-staging/c', 'ConfigMap/shop-staging/az', 'ConfigMap/shop-staging/b1', 'ConfigMap/shop-staging/b2']);
});

test('tracking label and annotation on every object; namespace defaulted only for namespaced kinds', async () => {
  using f = folder({
    'all.yaml': [
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop-staging\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n  namespace: stray\nrules: []\n',
      configMap('own', '  namespace: elsewhere\n'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app.kubernetes.io/managed-by: Helm\nspec: {}\n',
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  scope: Cluster\n  names:\n    kind: Widget\n',
      'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n',
      'apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\n',
    ].join('---\n'),
  });
  const objects = await renderPath(f.dir, { ...options, scopeOverride: (group, kind) => (group === 'example.com' && kind === 'Gadget' ? true : undefined) });
  assert.deepEqual(ids(objects), [
    'Namespace/-/shop-staging',
    'ClusterRole/-/reader',
    'ConfigMap/elsewhere/own',
    'Deployment/shop-staging/web',
    'CustomResourceDefinition/-/widgets.example.com',
    'Widget/-/w',
    'Gadget/-/g',
  ]);
  for (const o of objects) assert.equal(o.metadata.labels?.[appLabel], 'shop');
  const deployment = objects[3];
  assert.equal(deployment?.metadata.labels?.['app.kubernetes.io/managed-by'], 'Helm', 'keeps existing labels');
  assert.equal(deployment?.metadata.annotations?.[trackingAnnotation], 'shop:apps/Deployment:shop-staging/web');
  assert.equal(objects[0]?.metadata.annotations?.[trackingAnnotation], 'shop:/Namespace:/shop-staging');
  assert.equal(objects[2]?.metadata.annotations?.[trackingAnnotation], 'shop:/ConfigMap:elsewhere/own');
});

test('errors name the file, line and column', async () => {
  using f = folder({ 'ok.yaml': configMap('fine'), 'sub/bad.yaml': `${configMap('x')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {}\n` });
  await assert.rejects(renderPath(f.dir, options), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /sub\/bad\.yaml:11:3: metadata\.name: missing required field "name"/);
    return true;
  });
  using g = folder({ 'broken.yaml': 'apiVersion: v1\nkind: [unclosed\n' });
  await assert.rejects(renderPath(g.dir, options), /broken\.yaml:\d+:\d+: /);
  using h = folder({ 'list.yaml': 'apiVersion: v1\nkind: List\nitems:\n- 3\n' });
  await assert.rejects(renderPath(h.dir, options), /list\.yaml:4:3: items\[0\]: expected a Kubernetes object/);
});

test('List kinds are flattened', async () => {
  using f = folder({ 'list.yaml': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one' } }] }) });
  assert.deepEqual(ids(await renderPath(f.dir, options)), ['ConfigMap/shop-staging/one']);
});

test('unified-chart service: values.yaml + release.yaml pin image tag and chart version; extra manifests beside them', async () => {
  using f = folder({
    'values.yaml': 'image:\n  repository: registry.example.com/shop\n  tag: "1-main-aaaaaaaa"\nports:\n  - name: http\n    containerPort: 8080\n',
    'release.yaml': 'chart:\n  repository: oci://registry.example.com/charts/shop\n  version: 0.1.42\nimage:\n  repository: registry.example.com/acme/shop\n  tag: 42-main-0123abcd\n',
    'extra/pdb.yaml': 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: shop\nspec:\n  maxUnavailable: 1\n',
  });
  const objects = await renderPath(f.dir, options);
  assert.deepEqual(ids(objects), ['Service/shop-staging/shop', 'Deployment/shop-staging/shop', 'PodDisruptionBudget/shop-staging/shop']);
  const deployment = objects.find((o) => o.kind === 'Deployment') as { spec: { template: { spec: { containers: { image: string }[] } } } } & KubeObject;
  assert.equal(deployment.spec.template.spec.containers[0]?.image, 'registry.example.com/acme/shop:42-main-0123abcd');
  assert.equal(deployment.metadata.labels?.['helm.sh/chart'], 'shop-0.1.42');
  assert.equal(deployment.metadata.labels?.[appLabel], 'shop');
});

test('a release.yaml alone (values.yaml optional) is a service', async () => {
  using f = folder({ 'release.yaml': 'image:\n  repository: registry.example.com/acme/api\n  tag: 7-main-00000000\n' });
  const objects = await renderPath(f.dir, { namespace: 'api', appName: 'api' });
  assert.deepEqual(ids(objects), ['Service/api/api', 'Deployment/api/api']);
});

test('service without any image tag is a config error naming the file', async () => {
  using f = folder({ 'values.yaml': 'image:\n  repository: registry.example.com/shop\n' });
  await assert.rejects(renderPath(f.dir, options), /values\.yaml: image\.tag: no image tag/);
  using g = folder({ 'values.yaml': 'image:\n  repository: r\n  tag: t\nreplicas: many\n' });
  await assert.rejects(renderPath(g.dir, options), /values\.yaml:4:11: replicas: /);
});

test('kustomization rendered by the real kubectl kustomize', async () => {
  using f = folder({
    'kustomization.yaml': 'resources:\n  - cm.yaml\nnamePrefix: staging-\ncommonLabels:\n  tier: web\n',
    'cm.yaml': configMap('settings'),
  });
  const objects = await renderPath(f.dir, { ...options, kubectl: toolPath('kubectl') });
  assert.deepEqual(ids(objects), ['ConfigMap/shop-staging/staging-settings']);
  assert.equal(objects[0]?.metadata.labels?.tier, 'web');
  assert.equal(objects[0]?.metadata.annotations?.[trackingAnnotation], 'shop:/ConfigMap:shop-staging/staging-settings');
});

test('a broken kustomization is a config error with kubectl output', async () => {
  using f = folder({ 'kustomization.yaml': 'resources:\n  - missing.yaml\n' });
  await assert.rejects(renderPath(f.dir, { ...options, kubectl: toolPath('kubectl') }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /missing\.yaml/);
    return true;
  });
});

test('Helm chart rendered by the real helm template, release named after the app, CRDs included', async () => {
  using f = folder({
    'Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 1.2.3\n',
    'values.yaml': 'replicas: 2\n',
    'crds/widget.yaml': 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n  names:\n    kind: Widget\n    plural: widgets\n  versions: []\n',
    'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\n  labels:\n    app.kubernetes.io/managed-by: {{ .Release.Service }}\ndata:\n  replicas: "{{ .Values.replicas }}"\n  namespace: {{ .Release.Namespace }}\n',
  });
  const objects = await renderPath(f.dir, { ...options, helm: toolPath('helm') });
  assert.deepEqual(ids(objects), ['CustomResourceDefinition/-/widgets.example.com', 'ConfigMap/shop-staging/shop-cfg']);
  const cm = objects[1] as KubeObject & { data: Record<string, string> };
  assert.deepEqual(cm.data, { replicas: '2', namespace: 'shop-staging' });
  assert.equal(cm.metadata.labels?.['app.kubernetes.io/managed-by'], 'Helm');
  assert.equal(cm.metadata.labels?.[appLabel], 'shop');
});

test('a missing renderer binary is an external error', async () => {
  using f = folder({ 'Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 1.0.0\n' });
  await assert.rejects(renderPath(f.dir, { ...options, helm: join(f.dir, 'no-such-helm') }), { name: 'ExternalError' });
});
