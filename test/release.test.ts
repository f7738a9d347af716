import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { silentLogger } from '../src/core/index.ts';
import { loadConfig, startServer } from '../src/server/index.ts';
import { api } from './helpers/api.ts';
import { GitClient, withCredentials } from './helpers/git-client.ts';

test('a release writes the version into the built-in config repository as one commit', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'tl-release-'));
  const server = await startServer(loadConfig({ TRUNKLINE_DATA_DIR: join(work, 'data'), TRUNKLINE_PORT: '0' }), silentLogger);
  const client = await GitClient.init();
  t.after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(client.dir, { recursive: true, force: true });
  });
  const call = api(server.url, server.adminToken);
  // The environments' config repository is created empty on first start.
  const { body: repo } = await call<{ httpUrl: string; cloneUrl: string }>('GET', '/api/repos/platform/config');
  await client.git('remote', 'add', 'origin', withCredentials(repo.httpUrl, 'admin', server.adminToken!));
  await client.commit({ 'environments/staging/api/values.yaml': 'image:\n  repository: registry.local/acme/api\n' }, 'staging api');
  await client.git('push', '-q', 'origin', 'main');

  const release = {
    configRepo: 'platform/config',
    service: 'api',
    environments: ['staging', 'production'],
    image: { tag: '42-main-1a2b3c4d', repository: 'registry.local/acme/api' },
    chart: { version: '0.1.42', repository: 'oci://registry.local/charts/api' },
    build: { url: 'http://trunkline.local/repos/acme/api/builds/42' },
    source: { repo: 'acme/api', commit: '1a2b3c4d'.padEnd(40, '0') },
  };
  const first = await call<{ commit: string; changed: string[] }>('POST', '/api/releases', release);
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.deepEqual(first.body.changed.sort(), ['environments/production/api/release.yaml', 'environments/staging/api/release.yaml']);

  const show = (path: string) => execFileSync('git', ['show', `main:${path}`], { cwd: repo.cloneUrl, encoding: 'utf8' });
  const staging = parse(show('environments/staging/api/release.yaml')) as { image: { tag: string }; chart: { version: string } };
  assert.equal(staging.image.tag, '42-main-1a2b3c4d');
  assert.equal(staging.chart.version, '0.1.42');
  const message = execFileSync('git', ['log', '-1', '--format=%B', 'main'], { cwd: repo.cloneUrl, encoding: 'utf8' });
  assert.match(message, /^api: 42-main-1a2b3c4d to staging, production/);
  assert.match(message, /builds\/42/);

  const again = await call<{ changed: string[] }>('POST', '/api/releases', release);
  assert.equal(again.status, 200);
  assert.deepEqual(again.body.changed, []);
  const viewer = await call('POST', '/api/releases', { ...release, environments: ['bad name'] });
  assert.equal(viewer.status, 400);

  // Review mode: the same edit on a branch of its own; the followed branch does not move.
  const tip = execFileSync('git', ['rev-parse', 'main'], { cwd: repo.cloneUrl, encoding: 'utf8' }).trim();
  const review = await call<{ branch: string; commit: string }>('POST', '/api/releases', { ...release, environments: ['production'], image: { ...release.image, tag: '43-main-2b3c4d5e' }, review: true });
  assert.equal(review.status, 201, JSON.stringify(review.body));
  assert.equal(review.body.branch, 'trunkline/api-43-main-2b3c4d5e');
  assert.equal(execFileSync('git', ['rev-parse', 'main'], { cwd: repo.cloneUrl, encoding: 'utf8' }).trim(), tip);
  const proposed = parse(execFileSync('git', ['show', `${review.body.branch}:environments/production/api/release.yaml`], { cwd: repo.cloneUrl, encoding: 'utf8' })) as { image: { tag: string } };
  assert.equal(proposed.image.tag, '43-main-2b3c4d5e');
});
