/**
 * `trunkline up` on a fresh data folder: the demo is seeded through the API
 * and a real push, and its first build runs the service's own pipeline.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/index.ts';
import { loadConfig, seedDemo, startServer, type RunningServer } from '../src/server/index.ts';
import { api } from './helpers/api.ts';
import { waitFor } from './helpers/wait.ts';

const work = mkdtempSync(join(tmpdir(), 'tl-demo-'));
let server: RunningServer;
let call: ReturnType<typeof api>;

before(async () => {
  server = await startServer(loadConfig({ TRUNKLINE_DATA_DIR: join(work, 'data'), TRUNKLINE_PORT: '0' }), silentLogger);
  call = api(server.url, server.adminToken);
});
after(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

test('the demo seeds a config repository and a service whose first build tests, builds an image and packages a chart', async () => {
  const demo = await seedDemo({ url: server.url, token: server.adminToken! });
  assert.deepEqual(demo.repos, ['platform/config', 'demo/hello']);
  const repos = (await call<{ slug: string }[]>('GET', '/api/repos')).body.map((r) => r.slug);
  assert.deepEqual(repos.sort(), ['demo/hello', 'platform/config']);

  type Detail = { build: { status: string; event: string; branch: string }; stages: { steps: { name: string; status: string }[] }[] };
  const steps = await waitFor(async () => {
    const detail = await call<Detail>('GET', '/api/repos/demo/hello/builds/1');
    if (detail.status !== 200) return undefined;
    const all = detail.body.stages.flatMap((s) => s.steps);
    return ['success', 'failure', 'error', 'killed'].includes(detail.body.build.status) ? all : undefined;
  }, 'the demo build to finish', 180_000);
  // Without a cluster, everything but applying works: the versions are committed to the config repository.
  assert.deepEqual(
    steps.map((s) => [s.name, s.status]),
    [['clone', 'success'], ['test', 'success'], ['image', 'success'], ['chart', 'success'], ['deploy-test', 'success'], ['release', 'success'], ['preview', 'skipped']],
  );
  type Environments = { environments: { name: string; clusterConnected: boolean; message?: string }[] };
  const environments = (await call<Environments>('GET', '/api/environments')).body.environments;
  assert.deepEqual(environments.map((e) => [e.name, e.clusterConnected]), [['test', false], ['staging', false], ['production', false], ['preview', false]]);
  assert.match(environments[0]!.message ?? '', /no cluster "default" is connected: register its kubeconfig/);
  type Matrix = { services: { service: string; cells: Record<string, { version: { imageTag: string | null } | null; pending: unknown } | null> }[] };
  const matrix = (await call<Matrix>('GET', '/api/environments/matrix')).body;
  assert.equal(matrix.services[0]?.service, 'hello');
  const artifacts = (await call<{ kind: string; reference: string; tags: string[] }[]>('GET', '/api/repos/demo/hello/builds/1/artifacts')).body;
  assert.deepEqual(artifacts.map((a) => a.kind).sort(), ['chart', 'image']);
  const image = artifacts.find((a) => a.kind === 'image');
  assert.equal(image?.reference, `${new URL(server.url).host}/demo/hello`);
  assert.match(image?.tags[0] ?? '', /^1-main-[0-9a-f]{8}$/);

  const again = await seedDemo({ url: server.url, token: server.adminToken! }).then(
    () => 'seeded twice',
    (error: Error) => error.message,
  );
  assert.match(again, /already has commits/);
});
