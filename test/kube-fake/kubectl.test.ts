import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAsync, type RunResult } from '../helpers/run.ts';
import { toolPath } from '../helpers/tools.ts';
import { raw } from './raw-client.ts';
import { startFakeApiServer, type FakeApiServer } from './index.ts';

const manifests = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: {app: shop}
data:
  color: blue
  size: large
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - name: app
        image: shop:1
        ports: [{containerPort: 8080}]
`;

describe('fake kube-apiserver driven by the real kubectl', () => {
  let server: FakeApiServer;
  let dir: string;
  let kubeconfig: string;
  before(async () => {
    server = await startFakeApiServer({ bookmarkIntervalMs: 0 });
    dir = mkdtempSync(join(tmpdir(), 'kube-fake-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, server.kubeconfig);
    writeFileSync(join(dir, 'app.yaml'), manifests);
    writeFileSync(join(dir, 'other.yaml'), manifests.replace('color: blue', 'color: red'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Asynchronous on purpose: the server answering kubectl runs in this process.
  const kubectl = (...args: string[]): Promise<RunResult> => runAsync(toolPath('kubectl'), ['--kubeconfig', kubeconfig, ...args]);

  it('lists API resources through discovery', async () => {
    const result = await kubectl('api-resources');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(result.stdout, /^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/m);
    assert.match(result.stdout, /^customresourcedefinitions\s+crd,crds\s+apiextensions\.k8s\.io\/v1\s+false\s+CustomResourceDefinition$/m);
  });

  it('applies server-side and reads the objects back as JSON', async () => {
    const applied = await kubectl('apply', '--server-side', '-f', join(dir, 'app.yaml'));
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /configmap\/settings serverside-applied/);
    assert.match(applied.stdout, /deployment\.apps\/shop serverside-applied/);
    const got = await kubectl('get', 'deployment', 'shop', '-o', 'json', '--show-managed-fields');
    assert.equal(got.code, 0, got.stderr);
    const deployment = JSON.parse(got.stdout) as { metadata: { generation: number; managedFields: { manager: string; operation: string }[] }; spec: { replicas: number } };
    assert.equal(deployment.spec.replicas, 2);
    assert.equal(deployment.metadata.generation, 1);
    assert.deepEqual(deployment.metadata.managedFields.map((m) => [m.manager, m.operation]), [['kubectl', 'Apply']]);
    const list = JSON.parse((await kubectl('get', 'configmaps', '-l', 'app=shop', '-o', 'json')).stdout) as { items: { metadata: { name: string } }[] };
    assert.deepEqual(list.items.map((item) => item.metadata.name), ['settings']);
  });

  it('reports a conflict between two field managers and takes the field over with --force-conflicts', async () => {
    const conflicting = await kubectl('apply', '--server-side', '--field-manager', 'other', '-f', join(dir, 'other.yaml'));
    assert.notEqual(conflicting.code, 0);
    assert.match(conflicting.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.data\.color/);
    const forced = await kubectl('apply', '--server-side', '--field-manager', 'other', '--force-conflicts', '-f', join(dir, 'other.yaml'));
    assert.equal(forced.code, 0, forced.stderr);
    const color = await kubectl('get', 'configmap', 'settings', '-o', 'jsonpath={.data.color}');
    assert.equal(color.stdout, 'red');
  });

  it('watches and receives an event', async () => {
    const child = spawn(toolPath('kubectl'), ['--kubeconfig', kubeconfig, 'get', 'configmaps', '--watch', '-o', 'name'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let output = '';
      const seen = (pattern: RegExp) =>
        new Promise<void>((resolve, reject) => {
          const check = () => pattern.test(output) && resolve();
          child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            check();
          });
          child.on('close', () => reject(new Error(`kubectl ended before ${pattern}: ${output}`)));
          check();
        });
      await seen(/configmap\/settings/);
      const created = await raw(server, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched' }, data: {} });
      assert.equal(created.status, 201);
      await seen(/configmap\/watched/);
    } finally {
      child.kill();
    }
  });

  it('deletes', async () => {
    const deleted = await kubectl('delete', '-f', join(dir, 'app.yaml'));
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /configmap "settings" deleted/);
    const missing = await kubectl('get', 'deployment', 'shop');
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /NotFound.*deployments\.apps "shop" not found/);
  });
});
