import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ExternalError } from '../../core/index.ts';
import { GitHost, resolveCommit } from '../../git/index.ts';
import { ConfigRepositories } from './pool.ts';
import { setVersion } from './set-version.ts';

test('over HTTP, credentials go in a header for each call and are never stored in the local copy', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'tl-writeback-http-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const host = await GitHost.open(join(root, 'host'));
  const bare = await host.repos.create('acme', 'config', 'main');
  const expected = `Basic ${Buffer.from('ci:pipeline-token').toString('base64')}`;
  const server = createServer((request, response) => {
    if (request.headers.authorization !== expected) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end();
      return;
    }
    const url = new URL(request.url ?? '/', 'http://x');
    const match = /^\/([^/]+)\/([^/]+)\.git(\/.*)$/.exec(url.pathname);
    host
      .serve(
        { namespace: match?.[1] ?? '', name: match?.[2] ?? '', rest: match?.[3] ?? '', method: request.method ?? 'GET', query: url.search.slice(1), headers: request.headers, body: request },
        response,
      )
      .then(
        () => response.end(),
        () => response.destroy(),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const remote = `http://127.0.0.1:${(server.address() as AddressInfo).port}/acme/config.git`;

  const pool = new ConfigRepositories(join(root, 'copies'));
  const repo = pool.get(remote);
  assert.equal(pool.get(remote), repo, 'one local copy per config repository');
  const options = { repo, service: 'api', environments: ['staging'], image: { tag: '3-main-cafebabe', repository: 'registry.example.com/acme/api' } };

  await assert.rejects(setVersion(options), ExternalError);
  const result = await setVersion({ ...options, credentials: { username: 'ci', password: 'pipeline-token' } });
  assert.deepEqual(result.changed, ['environments/staging/api/release.yaml']);
  assert.equal(await resolveCommit(bare, 'main'), result.commit);

  const config = await readFile(join(repo.workdir, 'config'), 'utf8');
  assert.doesNotMatch(config, /pipeline-token|extraheader|authorization/i);
  assert.doesNotMatch(config, new RegExp(expected.slice(6)));
  assert.deepEqual((await readdir(repo.workdir)).filter((f) => f.startsWith('trunkline-')), [], 'no temporary index or blob left behind');
});
