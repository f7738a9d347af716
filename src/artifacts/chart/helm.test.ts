/**
 * The chart against the real `helm` (v4): `helm template` of the packaged
 * chart gives the same objects as `renderService`, `helm lint` passes, the
 * values schema is enforced by helm too, and a pushed chart is pulled,
 * shown and rendered from a real registry.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { DistributionRegistry } from '../../../test/helpers/distribution.ts';
import { toolPath } from '../../../test/helpers/tools.ts';
import { createRegistryClient } from '../oci/client/index.ts';
import { mediaTypes } from '../oci/types.ts';
import type { ImageManifest } from '../oci/types.ts';
import { packageChart } from './package.ts';
import { parseValues } from './parse-values.ts';
import { pushChart } from './push.ts';
import { renderService } from './render.ts';

const run = promisify(execFile);

const valuesFiles: Record<string, string> = {
  minimal: 'image:\n  repository: registry.local/acme/api\n',
  everything: `image:
  repository: registry.local/acme/api
  tag: v2.0.1
  pullPolicy: Always
replicas: 3
ports:
  - name: http
    containerPort: 8080
  - name: metrics
    containerPort: 9090
    servicePort: 80
  - name: dns
    containerPort: 53
    protocol: UDP
env:
  LOG_LEVEL: debug
  PORT: 8080
  FEATURE_X: true
  RATIO: 0.5
envFrom:
  - secret: db-credentials
  - configMap: shared-settings
config:
  mountPath: /etc/api
  files:
    app.yaml: |
      listen: ":8080"
      greeting: <hello> & "welcome"
      on: yes
    empty.txt: ""
resources:
  requests: { cpu: 100m, memory: 128Mi }
  limits: { cpu: 1, memory: 256Mi }
probes:
  liveness: { http: { path: /healthz, port: http }, periodSeconds: 10, initialDelaySeconds: 0, failureThreshold: 3 }
  readiness: { tcp: { port: 8080 }, timeoutSeconds: 2 }
  startup: { exec: [cat, /tmp/ready], successThreshold: 1 }
ingress:
  enabled: true
  className: nginx
  host: api.example.com
  tlsSecret: api-tls
  annotations: { nginx.ingress.kubernetes.io/proxy-body-size: "8m", feature: "on" }
  paths:
    - { path: /, port: http }
    - { path: /metrics, pathType: Exact, port: metrics }
    - { path: /v2 }
autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 65 }
serviceAccount: { create: true, name: api-runner, annotations: { iam.example.com/role: api } }
podAnnotations: { prometheus.io/scrape: "true" }
nodeSelector: { disktype: ssd }
tolerations:
  - { key: dedicated, operator: Equal, value: api, effect: NoSchedule }
  - { operator: Exists, effect: NoExecute, tolerationSeconds: 30 }
`,
  ingressHpaConfig: `image:
  repository: registry.local/acme/web
ports:
  - name: web
    containerPort: 3000
env:
  - name: ZED
    value: last
  - name: ALPHA
    value: "1"
ingress:
  enabled: true
  host: web.example.com
autoscaling:
  enabled: true
config:
  files:
    nginx.conf: "worker_processes 1;\\n"
    settings.json: '{"a": 1}'
serviceAccount:
  create: true
`,
};

let dir: string;
let helmEnv: NodeJS.ProcessEnv;

async function helm(...args: string[]): Promise<string> {
  const { stdout } = await run(toolPath('helm'), args, { env: helmEnv, maxBuffer: 16 << 20 });
  return stdout;
}

/** Objects of a multi-document YAML stream, sorted by kind then name. */
function objectsOf(text: string): unknown[] {
  const docs = parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS() as { kind: string; metadata: { name: string } } | null);
  return sortObjects(docs.filter((d) => d !== null));
}

function sortObjects<T extends { kind: string; metadata: { name: string } }>(objects: T[]): T[] {
  return [...objects].sort((a, b) => a.kind.localeCompare(b.kind) || a.metadata.name.localeCompare(b.metadata.name));
}

async function packaged(name: string, text: string, build: number): Promise<string> {
  const chart = await packageChart(parseValues(text), { name, version: `0.1.${build}`, appVersion: `${build}-main-0123abcd` });
  const path = join(dir, `${build}-${chart.fileName}`);
  await writeFile(path, chart.tgz);
  return path;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tl-chart-'));
  helmEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    HELM_CACHE_HOME: join(dir, 'cache'),
    HELM_CONFIG_HOME: join(dir, 'config'),
    HELM_DATA_HOME: join(dir, 'data'),
  };
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('helm template of the packaged chart gives the objects renderService gives', () => {
  let build = 40;
  for (const [label, text] of Object.entries(valuesFiles)) {
    test(label, async () => {
      build += 1;
      const chart = await packaged('api', text, build);
      const valuesPath = join(dir, `${label}.yaml`);
      await writeFile(valuesPath, text);
      const expected = sortObjects(renderService('api', parseValues(text), { chartVersion: `0.1.${build}`, appVersion: `${build}-main-0123abcd` }));
      assert.ok(expected.length >= 2);
      // With the service's own file on top, as a deployment would pass it…
      assert.deepEqual(objectsOf(await helm('template', 'api', chart, '-f', valuesPath)), expected);
      // …and with only the defaults-applied values.yaml inside the chart.
      assert.deepEqual(objectsOf(await helm('template', 'api', chart)), expected);
      // A namespace reaches every object in both renderings.
      const inProd = sortObjects(renderService('api', parseValues(text), { namespace: 'prod', chartVersion: `0.1.${build}`, appVersion: `${build}-main-0123abcd` }));
      assert.deepEqual(objectsOf(await helm('template', 'api', chart, '-f', valuesPath, '--namespace', 'prod')), inProd);
    });
  }
});

test('the ingress+hpa+config values produce every optional object', async () => {
  const kinds = renderService('api', parseValues(valuesFiles.ingressHpaConfig!), { chartVersion: '0.1.1', appVersion: '1-main-0123abcd' }).map((o) => o.kind);
  assert.deepEqual([...kinds].sort(), ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'Service', 'ServiceAccount']);
});

test('helm lint passes on every packaged chart', async () => {
  let build = 70;
  for (const text of Object.values(valuesFiles)) {
    const chart = await packaged('api', text, ++build);
    const output = await helm('lint', '--strict', chart);
    assert.match(output, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  }
});

test('helm enforces the values schema packaged with the chart', async () => {
  const chart = await packaged('api', valuesFiles.minimal!, 90);
  const bad = join(dir, 'bad.yaml');
  await writeFile(bad, 'replicas: -1\nports:\n  - name: http\n    containerPort: "eighty"\nunknownField: 1\n');
  await assert.rejects(helm('template', 'api', chart, '-f', bad), (error: Error & { stderr?: string }) => {
    assert.match(error.stderr ?? '', /values don't meet the specifications of the schema/);
    assert.match(error.stderr ?? '', /replicas/);
    assert.match(error.stderr ?? '', /containerPort/);
    assert.match(error.stderr ?? '', /unknownField/);
    return true;
  });
});

describe('a chart pushed to a real registry', () => {
  let registry: DistributionRegistry;
  before(async () => {
    registry = await DistributionRegistry.start();
  });
  after(async () => {
    await registry.stop();
  });

  test('is pulled, shown and rendered by helm', async () => {
    const text = valuesFiles.ingressHpaConfig!;
    const values = parseValues(text);
    const chart = await packageChart(values, { name: 'web', version: '0.1.7', appVersion: '7-main-0123abcd', description: 'The web front end' });
    const client = createRegistryClient({ registry: registry.host });
    const digest = await pushChart(client, 'charts/web', chart.tgz, chart.metadata);
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal((await client.headManifest('charts/web', '0.1.7'))?.digest, digest);
    const manifest = JSON.parse((await client.getManifest('charts/web', digest)).bytes.toString('utf8')) as ImageManifest;
    assert.equal(manifest.config.mediaType, mediaTypes.helmConfig);
    assert.deepEqual(
      manifest.layers.map((l) => [l.mediaType, l.size]),
      [[mediaTypes.helmChart, chart.tgz.length]],
    );
    assert.deepEqual(manifest.annotations, { 'org.opencontainers.image.description': 'The web front end', 'org.opencontainers.image.title': 'web', 'org.opencontainers.image.version': '0.1.7' });
    assert.deepEqual(JSON.parse((await client.getBlob('charts/web', manifest.config.digest)).toString('utf8')), chart.metadata);
    // The same chart pushed again is the same manifest.
    assert.equal(await pushChart(client, 'charts/web', chart.tgz, chart.metadata), digest);

    const pulled = join(dir, 'pulled');
    await mkdir(pulled);
    const output = await run(toolPath('helm'), ['pull', `oci://${registry.host}/charts/web`, '--version', '0.1.7', '--plain-http', '-d', pulled], { env: helmEnv });
    assert.match(`${output.stdout}${output.stderr}`, new RegExp(digest));
    const tgz = join(pulled, 'web-0.1.7.tgz');

    const shown = await helm('show', 'chart', tgz);
    assert.match(shown, /^version: 0\.1\.7$/m);
    assert.match(shown, /^appVersion: 7-main-0123abcd$/m);
    const remote = await helm('show', 'chart', `oci://${registry.host}/charts/web`, '--version', '0.1.7', '--plain-http');
    assert.match(remote, /^appVersion: 7-main-0123abcd$/m);

    const rendered = objectsOf(await helm('template', 'web', tgz));
    assert.deepEqual(rendered, sortObjects(renderService('web', values, { chartVersion: '0.1.7', appVersion: '7-main-0123abcd' })));
  });
});
