import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../artifacts/index.ts';
import { diffObjects, outOfSync, syncStatusOf } from './index.ts';

interface Container {
  name: string;
  image: string;
  env?: { name: string; value: string }[];
  ports?: { containerPort: number }[];
  resources?: { requests?: Record<string, string> };
}
const containers = (o: KubeObject) => (o.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers;
const container = (o: KubeObject, i: number) => containers(o)[i] as Container;

const tracking = (kind: string, group: string, name: string) => ({
  labels: { app: 'web', 'trunkline.dev/app': 'shop' },
  annotations: { 'trunkline.dev/tracking-id': `shop:${group}/${kind}:prod/${name}` },
});

function desiredDeployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'prod', ...tracking('Deployment', 'apps', 'web') },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'registry.example.com/web:42',
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: 2 } },
            },
            { name: 'sidecar', image: 'busybox:1' },
          ],
        },
      },
    },
  };
}

/** What `kubectl get deployment web -o json` returns after applying the desired object. */
function liveDeployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'prod',
      uid: '1f5c6c1e-6f1e-4c4b-9b52-7c4fd3b3c2a1',
      resourceVersion: '912345',
      generation: 3,
      creationTimestamp: '2025-01-02T03:04:05Z',
      labels: tracking('Deployment', 'apps', 'web').labels,
      annotations: { ...tracking('Deployment', 'apps', 'web').annotations, 'deployment.kubernetes.io/revision': '3' },
      managedFields: [{ manager: 'trunkline', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} }],
    } as KubeObject['metadata'],
    spec: {
      replicas: 2,
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'sidecar', image: 'busybox:1', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', resources: {} },
            {
              name: 'web',
              image: 'registry.example.com/web:42',
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              env: [
                { name: 'B', value: '2' },
                { name: 'A', value: '1' },
              ],
              resources: { requests: { cpu: '1000m', memory: '1024Mi' }, limits: { cpu: '2' } },
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
            },
          ],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    },
    status: { observedGeneration: 3, replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 },
  };
}

test('server-populated fields, defaults, quantities and keyed-list order are not differences', () => {
  const diff = diffObjects([desiredDeployment()], [liveDeployment()]);
  assert.equal(diff.resources.length, 1);
  assert.equal(diff.resources[0]?.state, 'same', diff.resources[0]?.diff);
  assert.equal(diff.resources[0]?.key, 'apps/Deployment/prod/web');
  assert.equal(syncStatusOf(diff), 'Synced');
});

test('a changed image is a difference shown as a readable unified YAML diff', () => {
  const live = liveDeployment();
  container(live, 1).image = 'registry.example.com/web:41';
  const diff = diffObjects([desiredDeployment()], [live]);
  const [r] = diff.resources;
  assert.equal(r?.state, 'differs');
  assert.equal(syncStatusOf(diff), 'OutOfSync');
  assert.match(r?.diff ?? '', /^--- live apps\/Deployment\/prod\/web\n\+\+\+ desired apps\/Deployment\/prod\/web\n@@ -\d+,\d+ \+\d+,\d+ @@\n/);
  assert.match(r?.diff ?? '', /\n-\s+image: registry\.example\.com\/web:41\n\+\s+image: registry\.example\.com\/web:42\n/);
  assert.doesNotMatch(r?.diff ?? '', /imagePullPolicy|resourceVersion|managedFields|status/, 'only what desired specifies');
});

test('a different quantity, a removed env var and an extra live container are differences', () => {
  const cases: ((live: KubeObject) => void)[] = [
    (live) => ((container(live, 1).resources?.requests ?? {}).memory = '1000Mi'),
    (live) => container(live, 1).env?.splice(0, 1),
    (live) => containers(live).push({ name: 'debug', image: 'busybox' }),
    (live) => (container(live, 1).ports![0]!.containerPort = 9090),
    (live) => ((live.metadata.labels as Record<string, string>).app = 'other'),
  ];
  for (const [i, mutate] of cases.entries()) {
    const live = liveDeployment();
    mutate(live);
    assert.equal(diffObjects([desiredDeployment()], [live]).resources[0]?.state, 'differs', `case ${i}`);
  }
});

test('missing (desired only), extra (live, tracked) and untracked live objects', () => {
  const cm = (name: string, tracked: boolean): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'prod', ...(tracked ? tracking('ConfigMap', '', name) : {}) },
    data: { a: '1' },
  });
  const copied = cm('copied', true);
  copied.metadata.annotations = { 'trunkline.dev/tracking-id': 'shop:/ConfigMap:prod/original' };
  const diff = diffObjects([cm('new', true)], [cm('old', true), cm('foreign', false), copied], { appName: 'shop' });
  assert.deepEqual(
    diff.resources.map((r) => [r.key, r.state]),
    [
      ['/ConfigMap/prod/new', 'missing'],
      ['/ConfigMap/prod/old', 'extra'],
    ],
  );
  assert.deepEqual(outOfSync(diff).length, 2);
  assert.equal(diffObjects([], [cm('old', true)], { appName: 'other' }).resources.length, 0, 'another app’s object');
});

test('Secret stringData equals the base64 data the server returns', () => {
  const desired: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'prod' }, stringData: { password: 'hunter2' } };
  const live: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'prod', uid: 'x' } as KubeObject['metadata'], type: 'Opaque', data: { password: Buffer.from('hunter2').toString('base64') } };
  assert.equal(diffObjects([desired], [live]).resources[0]?.state, 'same');
  (live.data as Record<string, string>).password = Buffer.from('other').toString('base64');
  assert.equal(diffObjects([desired], [live]).resources[0]?.state, 'differs');
});

test('ignore rules: JSON pointers and jq paths, matched by group, kind and name', () => {
  const live = liveDeployment();
  (live.spec as { replicas: number }).replicas = 5;
  container(live, 0).image = 'busybox:2';
  (live.metadata.annotations as Record<string, string>)['example.com/owner'] = 'x';
  const desired = desiredDeployment();
  (desired.metadata.annotations as Record<string, string>)['example.com/owner'] = 'y';
  assert.equal(diffObjects([desired], [live]).resources[0]?.state, 'differs');
  const ignore = [
    { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas', '/metadata/annotations/example.com~1owner'] },
    { group: 'apps', kind: 'Deployment', name: 'web', jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "sidecar") | .image'] },
  ];
  assert.equal(diffObjects([desired], [live], { ignore }).resources[0]?.state, 'same');
  assert.equal(diffObjects([desired], [live], { ignore: [{ ...ignore[0]!, name: 'other' }, ignore[1]!] }).resources[0]?.state, 'differs', 'rule for another name');
  assert.equal(diffObjects([desired], [live], { ignore: [ignore[0]!, { ...ignore[1]!, group: '' }] }).resources[0]?.state, 'differs', 'rule for another group');
  // A whole injected container dropped by a jq select.
  const injected = liveDeployment();
  containers(injected).push({ name: 'istio-proxy', image: 'istio/proxyv2' });
  const dropSidecar = [{ group: '*', kind: '*', jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "istio-proxy")'] }];
  assert.equal(diffObjects([desiredDeployment()], [injected], { ignore: dropSidecar }).resources[0]?.state, 'same');
});

test('malformed ignore paths are config errors', () => {
  assert.throws(() => diffObjects([], [], { ignore: [{ group: '', kind: 'ConfigMap', jsonPointers: ['data'] }] }), { name: 'ConfigError' });
  assert.throws(() => diffObjects([], [], { ignore: [{ group: '', kind: 'ConfigMap', jqPathExpressions: ['.data[?]'] }] }), /jq path "\.data\[\?\]"/);
});

test('a live object at a new resourceVersion is compared again', () => {
  const desired: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'prod' }, data: { a: '1' } };
  const live = (value: string, resourceVersion: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'prod', resourceVersion } as KubeObject['metadata'], data: { a: value } });
  assert.equal(diffObjects([desired], [live('1', '1')]).resources[0]?.state, 'same');
  const changed = diffObjects([desired], [live('2', '2')]).resources[0];
  assert.equal(changed?.state, 'differs');
  assert.match(changed?.diff ?? '', /- {2}a: "2"\n\+ {2}a: "1"/);
  assert.equal(diffObjects([desired], [live('1', '3')]).resources[0]?.state, 'same');
  assert.equal(diffObjects([desired], [live('1', '3')], { ignore: [{ group: '', kind: 'ConfigMap', jsonPointers: ['/data/a'] }] }).resources[0]?.state, 'same');
});
