import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { GitHost } from './git-host.ts';
import type { RefUpdate } from './ref-updates.ts';
import { refUpdateEvents } from './ref-updates.ts';

const identity = { GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' };

test('serves clone and push over smart HTTP and reports every ref update in order', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'tl-host-'));
  const work = await mkdtemp(join(tmpdir(), 'tl-work-'));
  const host = await GitHost.open(root);
  await host.repos.create('acme', 'app', 'main');
  const pushes: RefUpdate[][] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url!, 'http://x');
    const match = /^\/([^/]+)\/([^/]+)\.git(\/.*)$/.exec(url.pathname)!;
    host
      .serve(
        { namespace: match[1]!, name: match[2]!, rest: match[3]!, method: request.method!, query: url.search.slice(1), headers: request.headers, body: request, user: 'ada' },
        response,
      )
      .then((updates) => {
        if (updates.length > 0) pushes.push(updates);
        response.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.close();
    await Promise.all([rm(root, { recursive: true, force: true }), rm(work, { recursive: true, force: true })]);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/acme/app.git`;
  // Asynchronous on purpose: the server answering git runs in this very process.
  const exec = promisify(execFile);
  const gitIn = async (cwd: string, ...args: string[]) => (await exec('git', ['-c', 'protocol.version=2', ...args], { cwd, env: { ...process.env, ...identity } })).stdout.trim();
  const run = (...args: string[]) => gitIn(work, ...args);

  await run('clone', '-q', url, 'clone');
  const sh = (...args: string[]) => gitIn(join(work, 'clone'), ...args);
  await writeFile(join(work, 'clone', 'a.txt'), 'one');
  await sh('add', '.');
  await sh('commit', '-qm', 'one');
  const one = await sh('rev-parse', 'HEAD');
  await sh('push', '-q', 'origin', 'main');
  await writeFile(join(work, 'clone', 'a.txt'), 'two');
  await sh('commit', '-qam', 'two');
  const two = await sh('rev-parse', 'HEAD');
  await sh('branch', 'feature-x');
  await sh('tag', '-a', 'v1.0.0', '-m', 'release');
  await sh('push', '-q', 'origin', 'main', 'feature-x', 'v1.0.0'); // several refs at once
  await sh('reset', '-q', '--hard', one);
  await sh('commit', '-q', '--allow-empty', '-m', 'rewritten');
  const rewritten = await sh('rev-parse', 'HEAD');
  await sh('push', '-q', '--force', 'origin', 'main');
  await sh('push', '-q', 'origin', '--delete', 'feature-x');

  const zero = '0'.repeat(40);
  assert.equal(pushes.length, 4);
  assert.deepEqual(pushes[0], [{ before: zero, after: one, ref: 'refs/heads/main' }]);
  assert.deepEqual(pushes[1]!.map((u) => u.ref), ['refs/heads/main', 'refs/heads/feature-x', 'refs/tags/v1.0.0']);

  const repo = { namespace: 'acme', name: 'app' };
  const repoDir = host.repos.path('acme', 'app');
  const events = await refUpdateEvents(repoDir, repo, pushes.flat(), 'ada');
  assert.deepEqual(
    events.map((e) => ('kind' in e ? [e.kind, e.ref, e.commit, e.forced ?? false] : ['ignored', e.ref])),
    [
      ['create', 'refs/heads/main', one, false],
      ['push', 'refs/heads/main', two, false],
      ['create', 'refs/heads/feature-x', two, false],
      ['tag', 'refs/tags/v1.0.0', two, false],
      ['push', 'refs/heads/main', rewritten, true],
      ['delete', 'refs/heads/feature-x', two, false],
    ],
  );

  // Protocol v2 fetch of the deleted branch's last commit by id works (builds of `delete` events clone it).
  await run('init', '-q', 'by-id');
  await gitIn(join(work, 'by-id'), 'fetch', '-q', url, two);
});
