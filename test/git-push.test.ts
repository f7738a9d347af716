import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/index.ts';
import { loadConfig, startServer, type RunningServer } from '../src/server/index.ts';
import { api } from './helpers/api.ts';
import { GitClient, withCredentials } from './helpers/git-client.ts';
import { waitFor } from './helpers/wait.ts';

interface Build {
  number: number;
  status: string;
  event: string;
  branch: string;
  commitSha: string;
  error?: string;
}
interface Detail {
  build: Build;
  stages: { name: string; status: string; error?: string; steps: { name: string; status: string }[] }[];
}

const pipelines = `
kind: pipeline
type: exec
name: build
clone:
  depth: 1
trigger:
  event: [push, create, tag]
steps:
- name: build
  commands:
  - test -f app.txt
  - echo "built $DRONE_BUILD_EVENT of \${DRONE_BRANCH} at \${DRONE_COMMIT_SHA:0:8}"
---
kind: pipeline
type: exec
name: teardown
trigger:
  event: [delete]
steps:
- name: teardown
  commands:
  - echo "tearing down \${DRONE_BRANCH} from $(cat app.txt)"
`;

describe('built-in git host: pushes become builds', () => {
  const work = mkdtempSync(join(tmpdir(), 'tl-push-'));
  let server: RunningServer;
  let call: ReturnType<typeof api>;
  let remote: string;
  let client: GitClient;

  before(async () => {
    server = await startServer(loadConfig({ TRUNKLINE_DATA_DIR: join(work, 'data'), TRUNKLINE_PORT: '0', TRUNKLINE_CAPACITY: '4' }), silentLogger);
    call = api(server.url, server.adminToken);
    const created = await call<{ httpUrl: string; provider: string }>('POST', '/api/repos', { namespace: 'acme', name: 'app' });
    assert.equal(created.status, 201);
    assert.equal(created.body.provider, 'builtin');
    remote = withCredentials(created.body.httpUrl, 'admin', server.adminToken!);
    client = await GitClient.init();
    await client.git('remote', 'add', 'origin', remote);
  });
  after(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
    if (client) rmSync(client.dir, { recursive: true, force: true });
  });

  const builds = async () => (await call<Build[]>('GET', '/api/repos/acme/app/builds?limit=200')).body;
  const finished = (number: number) =>
    waitFor(async () => {
      const detail = (await call<Detail>('GET', `/api/repos/acme/app/builds/${number}`)).body;
      return ['success', 'failure', 'error', 'killed', 'skipped'].includes(detail.build.status) && detail;
    }, `build #${number}`);
  const log = async (number: number, stage: number, step: number) =>
    (await call<{ out: string }[]>('GET', `/api/repos/acme/app/builds/${number}/logs/${stage}/${step}`)).body.map((l) => l.out);

  test('creating, updating and force-pushing a branch, tags and several refs at once', async () => {
    const first = await client.commit({ '.drone.yml': pipelines, 'app.txt': 'v1' }, 'first');
    await client.git('push', '-q', 'origin', 'main');
    const created = await finished(1);
    assert.equal(created.build.event, 'create');
    assert.equal(created.build.branch, 'main');
    assert.equal(created.build.commitSha, first);
    assert.equal(created.build.status, 'success', JSON.stringify(created));
    assert.ok((await log(1, 1, 2)).includes(`built create of main at ${first.slice(0, 8)}`));
    assert.equal(created.stages.find((s) => s.name === 'teardown')!.status, 'skipped');

    const second = await client.commit({ 'app.txt': 'v2' }, 'second');
    await client.git('push', '-q', 'origin', 'main');
    assert.equal((await finished(2)).build.event, 'push');

    await client.git('reset', '-q', '--hard', first);
    const rewritten = await client.commit({ 'app.txt': 'v3' }, 'rewritten');
    await client.git('push', '-q', '--force', 'origin', 'main');
    const forced = await finished(3);
    assert.equal(forced.build.event, 'push');
    assert.equal(forced.build.commitSha, rewritten);
    assert.notEqual(rewritten, second);

    await client.git('branch', 'feature-login');
    await client.git('tag', 'v1.0.0');
    await client.git('push', '-q', 'origin', 'feature-login', 'v1.0.0');
    const [branch, tag] = [await finished(4), await finished(5)];
    assert.deepEqual([branch.build.event, branch.build.branch], ['create', 'feature-login']);
    assert.equal(tag.build.event, 'tag');
    assert.equal(tag.build.status, 'success');
  });

  test('deleting a branch runs the pipelines triggered on delete at its last commit', async () => {
    const tip = await client.git('rev-parse', 'feature-login');
    await client.git('push', '-q', 'origin', '--delete', 'feature-login');
    const all = await builds();
    const deletion = all.find((b) => b.event === 'delete')!;
    assert.ok(deletion, JSON.stringify(all));
    const done = await finished(deletion.number);
    assert.equal(done.build.commitSha, tip);
    assert.equal(done.build.status, 'success', JSON.stringify(done));
    assert.equal(done.stages.find((s) => s.name === 'build')!.status, 'skipped');
    assert.match(done.stages.find((s) => s.name === 'build')!.error ?? '', /event/);
    assert.ok((await log(deletion.number, 2, 2)).includes('tearing down feature-login from v3'));
  });

  test('the built-in host keeps commit statuses', async () => {
    const sha = await client.git('rev-parse', 'HEAD');
    const statuses = await waitFor(async () => {
      const body = (await call<{ context: string; state: string }[]>('GET', `/api/repos/acme/app/commits/${sha}/statuses`)).body;
      return body.some((s) => s.context === 'trunkline/push' && s.state === 'success') && body;
    }, 'a success status');
    assert.ok(statuses.length >= 1);
  });

  test('pushing needs a developer token; reading a private repository needs a token', async () => {
    const anonymous = remote.replace(/\/\/[^@]+@/, '//');
    const stranger = await GitClient.init();
    try {
      await assert.rejects(stranger.git('ls-remote', anonymous), /401|Authentication failed|could not read Username/i);
      await call('POST', '/api/users', { login: 'vera', role: 'viewer' });
      const viewer = (await call<{ token: string }>('POST', '/api/users/vera/tokens', { name: 't' })).body.token;
      const asViewer = withCredentials(anonymous, 'vera', viewer);
      assert.match(await stranger.git('ls-remote', asViewer), /refs\/heads\/main/);
      await stranger.commit({ 'x.txt': 'x' });
      await assert.rejects(stranger.git('push', '-q', asViewer, 'HEAD:refs/heads/viewer-branch'), /403|developer/i);
      await assert.rejects(stranger.git('push', '-q', withCredentials(anonymous, 'admin', 'tl_wrong'), 'HEAD:refs/heads/x'), /401|Authentication failed/i);
    } finally {
      rmSync(stranger.dir, { recursive: true, force: true });
    }
  });

  test('a large push streams through in chunks and is cloned back intact', async () => {
    const big = randomBytes(3 * 1024 * 1024).toString('base64');
    const sha = await client.commit({ 'big.txt': big }, 'big file');
    // A small post buffer makes git send the pack with chunked transfer encoding.
    await client.git('-c', 'http.postBuffer=65536', 'push', '-q', 'origin', 'main');
    const copy = await GitClient.init();
    try {
      await copy.git('fetch', '-q', remote, 'main');
      assert.equal(await copy.git('rev-parse', 'FETCH_HEAD'), sha);
      assert.equal(await copy.git('rev-parse', 'FETCH_HEAD:big.txt'), await client.git('hash-object', 'big.txt'));
    } finally {
      rmSync(copy.dir, { recursive: true, force: true });
    }
  });

  test('20 concurrent pushes make 20 builds with distinct numbers and nothing lost', async () => {
    const before = (await builds()).length;
    const clients = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const c = await GitClient.init();
        await c.git('fetch', '-q', remote, 'main');
        await c.git('checkout', '-q', '-b', `topic-${i}`, 'FETCH_HEAD');
        await c.commit({ [`topic-${i}.txt`]: String(i) }, `topic ${i}`);
        return c;
      }),
    );
    try {
      await Promise.all(clients.map((c, i) => c.git('push', '-q', remote, `topic-${i}`)));
      const all = await builds();
      const topics = all.filter((b) => b.branch.startsWith('topic-'));
      assert.equal(all.length - before, 20);
      assert.equal(topics.length, 20);
      assert.equal(new Set(topics.map((b) => b.branch)).size, 20);
      const numbers = all.map((b) => b.number).sort((a, b) => a - b);
      assert.deepEqual(numbers, Array.from({ length: numbers.length }, (_, i) => i + 1), 'numbers are consecutive, none reused');
      for (const build of topics) assert.equal((await finished(build.number)).build.status, 'success');
    } finally {
      for (const c of clients) rmSync(c.dir, { recursive: true, force: true });
    }
  });
});
