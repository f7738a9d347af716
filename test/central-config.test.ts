import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/index.ts';
import { loadConfig, startServer } from '../src/server/index.ts';
import { api } from './helpers/api.ts';
import { GitClient, withCredentials } from './helpers/git-client.ts';
import { waitFor } from './helpers/wait.ts';

const rules = `rules:
  - name: services
    repos: acme/*
    pipeline: pipelines/service.yml
    allowRepositoryFile: false
`;
const servicePipeline = (word: string) => `kind: pipeline\ntype: exec\nname: central\nsteps:\n- name: build\n  commands: [echo "central ${word} for $DRONE_REPO"]\n`;

test('a central config repository on the built-in host chooses pipelines, and its next commit takes effect at once', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'tl-central-'));
  const server = await startServer(
    loadConfig({ TRUNKLINE_DATA_DIR: join(work, 'data'), TRUNKLINE_PORT: '0', TRUNKLINE_CONFIG_REPO: 'platform/pipelines' }),
    silentLogger,
  );
  const call = api(server.url, server.adminToken);
  const clients: GitClient[] = [];
  t.after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
    for (const c of clients) rmSync(c.dir, { recursive: true, force: true });
  });
  const repo = async (slug: string) => {
    const [namespace, name] = slug.split('/');
    const { body } = await call<{ httpUrl: string }>('POST', '/api/repos', { namespace, name });
    const client = await GitClient.init();
    clients.push(client);
    await client.git('remote', 'add', 'origin', withCredentials(body.httpUrl, 'admin', server.adminToken!));
    return client;
  };
  const lastBuild = async (slug: string) =>
    waitFor(async () => {
      const [build] = (await call<{ number: number; status: string; error?: string }[]>('GET', `/api/repos/${slug}/builds?limit=1`)).body;
      return build && ['success', 'failure', 'error', 'skipped'].includes(build.status) && build;
    }, `a finished build of ${slug}`);
  const firstLine = async (slug: string, number: number) =>
    (await call<{ out: string }[]>('GET', `/api/repos/${slug}/builds/${number}/logs/1/2`)).body.map((l) => l.out).find((l) => l.startsWith('central'));

  const config = await repo('platform/pipelines');
  await config.commit({ 'trunkline.rules.yaml': rules, 'pipelines/service.yml': servicePipeline('v1') });
  await config.git('push', '-q', 'origin', 'main');

  const service = await repo('acme/svc');
  await service.commit({ '.drone.yml': 'kind: pipeline\ntype: exec\nname: own\nsteps:\n- name: x\n  commands: [echo own]\n', 'main.go': 'package main\n' });
  await service.git('push', '-q', 'origin', 'main');
  const first = await lastBuild('acme/svc');
  assert.equal(first.status, 'success', JSON.stringify(first));
  assert.equal(await firstLine('acme/svc', first.number), 'central v1 for acme/svc');

  await config.commit({ 'pipelines/service.yml': servicePipeline('v2') });
  await config.git('push', '-q', 'origin', 'main');
  await service.commit({ 'main.go': 'package main // 2\n' });
  await service.git('push', '-q', 'origin', 'main');
  const second = await lastBuild('acme/svc');
  assert.equal(second.number, first.number + 1);
  assert.equal(await firstLine('acme/svc', second.number), 'central v2 for acme/svc');

  // A broken rules file errors the build with its position, never falls back to the repository's file.
  await config.commit({ 'trunkline.rules.yaml': 'rules:\n  - repos: acme/*\n    pipelin: x.yml\n' });
  await config.git('push', '-q', 'origin', 'main');
  await service.commit({ 'main.go': 'package main // 3\n' });
  await service.git('push', '-q', 'origin', 'main');
  const third = await lastBuild('acme/svc');
  assert.equal(third.status, 'error');
  assert.match(third.error ?? '', /trunkline\.rules\.yaml:3:5/);
});
