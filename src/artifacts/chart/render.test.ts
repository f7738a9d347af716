import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { goJson } from './checksum.ts';
import { packageChart } from './package.ts';
import { parseValues } from './parse-values.ts';
import { renderService } from './render.ts';

const options = { chartVersion: '0.1.12', appVersion: '12-main-0123abcd' };

test('minimal values render a Deployment and a Service with consistent labels', () => {
  const objects = renderService('api', parseValues('image: { repository: registry.local/acme/api }\n'), options);
  assert.deepEqual(
    objects.map((o) => o.kind),
    ['Service', 'Deployment'],
  );
  const labels = {
    'helm.sh/chart': 'api-0.1.12',
    'app.kubernetes.io/name': 'api',
    'app.kubernetes.io/instance': 'api',
    'app.kubernetes.io/version': '12-main-0123abcd',
    'app.kubernetes.io/managed-by': 'Helm',
  };
  for (const o of objects) assert.deepEqual(o.metadata.labels, labels);
  const deployment = objects[1] as unknown as { spec: { replicas: number; selector: unknown; template: { spec: { containers: { image: string }[] }; metadata: { annotations?: unknown } } } };
  assert.equal(deployment.spec.replicas, 1);
  assert.deepEqual(deployment.spec.selector, { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' } });
  assert.equal(deployment.spec.template.spec.containers[0]!.image, 'registry.local/acme/api:12-main-0123abcd');
  assert.equal(deployment.spec.template.metadata.annotations, undefined);
  assert.equal(objects[0]!.metadata.namespace, 'default');
});

test('autoscaling takes replicas away from the Deployment; config files add a checksum', () => {
  const v = parseValues('image: { repository: a, tag: v1 }\nautoscaling: { enabled: true }\nconfig:\n  files:\n    app.conf: "x=1"\n');
  const objects = renderService('web', v, { ...options, namespace: 'prod' });
  assert.deepEqual(
    objects.map((o) => o.kind),
    ['ConfigMap', 'Service', 'Deployment', 'HorizontalPodAutoscaler'],
  );
  const deployment = objects[2] as unknown as { spec: Record<string, unknown> & { template: { metadata: { annotations: Record<string, string> } } } };
  assert.equal('replicas' in deployment.spec, false);
  assert.match(deployment.spec.template.metadata.annotations['checksum/config']!, /^[0-9a-f]{64}$/);
  const changed = renderService('web', parseValues('image: { repository: a, tag: v1 }\nautoscaling: { enabled: true }\nconfig:\n  files:\n    app.conf: "x=2"\n'), options);
  const other = changed[2] as unknown as typeof deployment;
  assert.notEqual(other.spec.template.metadata.annotations['checksum/config'], deployment.spec.template.metadata.annotations['checksum/config']);
  assert.ok(objects.every((o) => o.metadata.namespace === 'prod'));
});

test('checksums hash Go JSON: sorted keys, HTML characters escaped', () => {
  assert.equal(goJson({ b: '<a & b>', a: 'line\n\u2028' }), '{"a":"line\\n\\u2028","b":"\\u003ca \\u0026 b\\u003e"}');
});

test('service names must be valid chart and object names', () => {
  assert.throws(() => renderService('Bad_Name', parseValues('image: { repository: a }\n'), options), /service name "Bad_Name"/);
});

test('packaging is reproducible and lays the chart out under <name>/', async () => {
  const v = parseValues('image: { repository: a }\n');
  const first = await packageChart(v, { name: 'api', version: '0.1.3', appVersion: '3-main-deadbeef' });
  const second = await packageChart(v, { name: 'api', version: '0.1.3', appVersion: '3-main-deadbeef' });
  assert.equal(first.fileName, 'api-0.1.3.tgz');
  assert.ok(first.tgz.equals(second.tgz));
  const tar = gunzipSync(first.tgz);
  const names: string[] = [];
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const name = tar.subarray(offset, offset + 100).toString('utf8').replace(/\0.*$/s, '');
    if (!name) break;
    names.push(name);
    const size = parseInt(tar.subarray(offset + 124, offset + 136).toString('utf8').replace(/\0.*$/s, '').trim(), 8);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  assert.deepEqual(names, [
    'api/Chart.yaml',
    'api/values.yaml',
    'api/values.schema.json',
    'api/templates/_helpers.tpl',
    'api/templates/configmap.yaml',
    'api/templates/deployment.yaml',
    'api/templates/hpa.yaml',
    'api/templates/ingress.yaml',
    'api/templates/service.yaml',
    'api/templates/serviceaccount.yaml',
  ]);
  await assert.rejects(packageChart(v, { name: 'api', version: 'latest', appVersion: 'x' }), /chart version "latest"/);
});
