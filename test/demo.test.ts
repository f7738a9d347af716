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
    const wanted = all.filter((s) => ['test', 'image', 'chart'].includes(s.name));
    return wanted.length === 3 && wanted.every((s) => ['success', 'failure', 'error', 'skipped'].includes(s.status)) ? all : undefined;
  }, 'the demo build to test, build the image and package the chart', 120_000);
  assert.deepEqual(
    steps.filter((s) => ['test', 'image', 'chart'].includes(s.name)).map((s) => [s.name, s.status]),
    [['test', 'success'], ['image', 'success'], ['chart', 'success']],
  );
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
