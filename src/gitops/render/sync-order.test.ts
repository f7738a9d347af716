import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../artifacts/index.ts';
import { pruneOrder, syncOrder } from './index.ts';

const obj = (apiVersion: string, kind: string, name: string, wave?: string, annotation = 'trunkline.dev/sync-wave'): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(wave === undefined ? {} : { annotations: { [annotation]: wave } }) },
});

const shuffled = [
  obj('autoscaling/v2', 'HorizontalPodAutoscaler', 'web'),
  obj('networking.k8s.io/v1', 'Ingress', 'web'),
  obj('example.com/v1', 'Widget', 'w'),
  obj('apps/v1', 'Deployment', 'web'),
  obj('v1', 'Service', 'web'),
  obj('v1', 'PersistentVolumeClaim', 'data'),
  obj('v1', 'Secret', 'creds'),
  obj('v1', 'ConfigMap', 'settings'),
  obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'web'),
  obj('v1', 'ServiceAccount', 'web'),
  obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
  obj('v1', 'Namespace', 'shop'),
];

test('kind phases: namespaces, CRDs, RBAC, config, storage, services, workloads, ingress, HPA, others', () => {
  const steps = syncOrder(shuffled);
  assert.deepEqual(
    steps.map((s) => [s.phase, s.objects.map((o) => o.kind)]),
    [
      ['namespaces', ['Namespace']],
      ['crds', ['CustomResourceDefinition']],
      ['rbac', ['ServiceAccount', 'RoleBinding']],
      ['config', ['ConfigMap', 'Secret']],
      ['storage', ['PersistentVolumeClaim']],
      ['services', ['Service']],
      ['workloads', ['Deployment']],
      ['ingress', ['Ingress']],
      ['autoscaling', ['HorizontalPodAutoscaler']],
      ['other', ['Widget']],
    ],
  );
  assert.ok(steps.every((s) => s.wave === 0));
});

test('sync waves come first (negative before default), either annotation; prune reverses', () => {
  const objects = [
    obj('apps/v1', 'Deployment', 'late', '5'),
    obj('apps/v1', 'Deployment', 'app'),
    obj('batch/v1', 'Job', 'migrate', '-1', 'argocd.argoproj.io/sync-wave'),
    obj('v1', 'ConfigMap', 'b'),
    obj('v1', 'ConfigMap', 'a'),
  ];
  const steps = syncOrder(objects);
  assert.deepEqual(
    steps.map((s) => [s.wave, s.phase, s.objects.map((o) => o.metadata.name)]),
    [
      [-1, 'workloads', ['migrate']],
      [0, 'config', ['a', 'b']],
      [0, 'workloads', ['app']],
      [5, 'workloads', ['late']],
    ],
  );
  assert.deepEqual(
    pruneOrder(objects).flatMap((s) => s.objects.map((o) => o.metadata.name)),
    ['late', 'app', 'b', 'a', 'migrate'],
  );
});

test('a wave that is not an integer is a config error naming the object', () => {
  assert.throws(() => syncOrder([obj('v1', 'ConfigMap', 'x', 'soon')]), /ConfigMap "x": annotation trunkline\.dev\/sync-wave: expected an integer, got "soon"/);
});
