import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/index.ts';
import { loadConfig, startServer, type RunningServer } from '../src/server/index.ts';
import { api } from './helpers/api.ts';
import { TestRepo } from './helpers/git-repo.ts';
import { waitFor } from './helpers/wait.ts';

const secret = 'webhook-secret-123';
const fixture = (host: string, name: string) =>
  JSON.parse(readFileSync(new URL(`../src/git/hosts/${host}/fixtures/${name}.json`, import.meta.url), 'utf8')) as {
    headers: Record<string, string>;
    body: Record<string, unknown>;
  };

describe('webhook receivers', () => {
  const work = mkdtempSync(join(tmpdir(), 'tl-hooks-'));
  const origin = new TestRepo();
  let server: RunningServer;
  let call: ReturnType<typeof api>;
  let first = '';
  let second = '';

  before(async () => {
    first = origin.commit({ '.drone.yml': 'kind: pipeline\ntype: exec\nname: ci\nsteps:\n- name: hello\n  commands: [echo "event $DRONE_BUILD_EVENT"]\n' });
    second = origin.commit({ 'b.txt': 'b' });
    server = await startServer(loadConfig({ TRUNKLINE_DATA_DIR: join(work, 'data'), TRUNKLINE_PORT: '0' }), silentLogger);
    call = api(server.url, server.adminToken);
    for (const [namespace, provider] of [['gh', 'github'], ['gt', 'gitea'], ['gl', 'gitlab']] as const) {
      const created = await call('POST', '/api/repos', { namespace, name: 'app', cloneUrl: origin.dir, provider, webhookSecret: secret });
      assert.equal(created.status, 201);
    }
  });
  after(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(origin.dir, { recursive: true, force: true });
  });

  const deliver = (provider: string, headers: Record<string, string>, body: string) =>
    fetch(`${server.url}/hooks/${provider}`, { method: 'POST', headers, body });

  function githubPush(delivery: string) {
    const { headers, body } = fixture('github', 'push');
    const payload = JSON.stringify({
      ...body,
      ref: 'refs/heads/main',
      before: first,
      after: second,
      repository: { ...(body.repository as object), full_name: 'gh/app', name: 'app' },
      head_commit: { ...(body.head_commit as object), id: second },
    });
    const signature = `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;
    return { headers: { ...headers, 'x-github-delivery': delivery, 'x-hub-signature-256': signature }, payload };
  }

  test('a signed GitHub push starts a build of its commit; a redelivery starts nothing', async () => {
    const { headers, payload } = githubPush('delivery-1');
    const response = await deliver('github', headers, payload);
    assert.equal(response.status, 202, await response.clone().text());
    const { builds } = (await response.json()) as { builds: number[] };
    assert.deepEqual(builds, [1]);
    const done = await waitFor(async () => {
      const d = (await call<{ build: { status: string; commitSha: string; event: string } }>('GET', '/api/repos/gh/app/builds/1')).body;
      return d.build.status === 'success' && d;
    }, 'the webhook build');
    assert.equal(done.build.commitSha, second);
    assert.equal(done.build.event, 'push');

    const again = await deliver('github', headers, payload);
    assert.equal(again.status, 200);
    assert.match(((await again.json()) as { ignored: string }).ignored, /already received/);
    assert.equal((await call<unknown[]>('GET', '/api/repos/gh/app/builds')).body.length, 1);
  });

  test('missing or bad signatures are refused with 401 and start nothing', async () => {
    const { headers, payload } = githubPush('delivery-2');
    const tampered = await deliver('github', headers, payload.replace('refs/heads/main', 'refs/heads/evil'));
    assert.equal(tampered.status, 401);
    const { ['x-hub-signature-256']: _, ...unsigned } = headers;
    assert.equal((await deliver('github', unsigned, payload)).status, 401);
    const gitlab = fixture('gitlab', 'push');
    const wrongToken = await deliver('gitlab', { ...gitlab.headers, 'x-gitlab-token': 'not-the-secret' }, JSON.stringify({ ...gitlab.body, project: { ...(gitlab.body.project as object), path_with_namespace: 'gl/app' } }));
    assert.equal(wrongToken.status, 401);
    assert.equal((await call<unknown[]>('GET', '/api/repos/gh/app/builds')).body.length, 1);
    assert.equal((await call<unknown[]>('GET', '/api/repos/gl/app/builds')).body.length, 0);
  });

  test('malformed and unknown deliveries get 400 or an ignored answer, never a 500', async () => {
    assert.equal((await deliver('github', { 'content-type': 'application/json', 'x-github-event': 'push' }, '{not json')).status, 400);
    const unknownRepo = githubPush('delivery-3');
    const otherRepo = unknownRepo.payload.replace('"gh/app"', '"nobody/app"');
    assert.equal((await deliver('github', unknownRepo.headers, otherRepo)).status, 404);
    const ping = fixture('gitea', 'push');
    const body = JSON.stringify({ ...ping.body, repository: { ...(ping.body.repository as object), full_name: 'gt/app' } });
    const signature = createHmac('sha256', secret).update(body).digest('hex');
    const unknownEvent = await deliver('gitea', { ...ping.headers, 'x-gitea-event': 'wiki', 'x-gitea-delivery': 'd-9', 'x-gitea-signature': signature }, body);
    assert.equal(unknownEvent.status, 200);
    assert.match(((await unknownEvent.json()) as { ignored: string }).ignored, /wiki/);
    assert.equal((await deliver('bitbucket', {}, '{}')).status, 400);
  });
});
