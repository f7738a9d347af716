import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/index.ts';
import { loadConfig, startServer, type RunningServer } from '../src/server/index.ts';
import { api, readEvents } from './helpers/api.ts';
import { TestRepo } from './helpers/git-repo.ts';
import { waitFor } from './helpers/wait.ts';

interface Build {
  id: string;
  number: number;
  status: string;
  error?: string;
  commitSha: string;
  branch: string;
}
interface Detail {
  build: Build;
  stages: { number: number; name: string; status: string; error?: string; steps: { number: number; name: string; status: string; exitCode?: number; error?: string }[] }[];
}

const pipeline = `
kind: pipeline
type: exec
name: default

steps:
- name: test
  commands:
  - test -f app.sh
  - sh app.sh
- name: secret
  environment:
    TOKEN:
      from_secret: deploy_token
  commands:
  - echo "token is $TOKEN"
- name: build
  commands:
  - echo "built \${DRONE_BRANCH} at \${DRONE_COMMIT_SHA:0:8} as $TRUNKLINE_IMAGE_TAG"
`;

describe('server: repositories, builds, logs, authorization', () => {
  const work = mkdtempSync(join(tmpdir(), 'tl-server-'));
  const repo = new TestRepo();
  let server: RunningServer;
  let call: ReturnType<typeof api>;
  let token: string;

  before(async () => {
    repo.commit({ '.drone.yml': pipeline, 'app.sh': 'echo "app works"\n' }, 'first commit');
    server = await startServer({ ...loadConfig({ TRUNKLINE_DATA_DIR: join(work, 'data'), TRUNKLINE_PORT: '0' }) }, silentLogger);
    token = server.adminToken!;
    call = api(server.url, token);
    assert.equal(readFileSync(server.adminTokenFile, 'utf8').trim(), token);
  });
  after(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(repo.dir, { recursive: true, force: true });
  });

  const detail = (number: number) => call<Detail>('GET', `/api/repos/acme/app/builds/${number}`).then((r) => r.body);
  const finished = (number: number) =>
    waitFor(async () => {
      const d = await detail(number);
      return ['success', 'failure', 'error', 'killed', 'skipped'].includes(d.build.status) && d;
    }, `build #${number} to finish`);

  test('health answers without a token', async () => {
    const response = await fetch(`${server.url}/healthz`);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { status: string }).status, 'ok');
  });

  test('registers a repository and runs a build to success with masked secrets', async () => {
    assert.equal((await call('POST', '/api/repos', { namespace: 'acme', name: 'app', cloneUrl: repo.dir })).status, 201);
    assert.equal((await call('POST', '/api/repos/acme/app/secrets', { name: 'deploy_token', value: 'hunter2-very-secret' })).status, 201);
    const listed = await call<{ name: string; value?: string }[]>('GET', '/api/repos/acme/app/secrets');
    assert.deepEqual(listed.body.map((s) => s.name), ['deploy_token']);
    assert.equal(listed.body[0]!.value, undefined);

    const created = await call<Build>('POST', '/api/repos/acme/app/builds', { event: 'push', branch: 'main' });
    assert.equal(created.status, 201);
    assert.equal(created.body.number, 1);
    const done = await finished(1);
    assert.equal(done.build.status, 'success', JSON.stringify(done, null, 1));
    const steps = done.stages[0]!.steps;
    assert.deepEqual(steps.map((s) => [s.name, s.status]), [
      ['clone', 'success'],
      ['test', 'success'],
      ['secret', 'success'],
      ['build', 'success'],
    ]);

    const secretLog = await call<{ out: string }[]>('GET', '/api/repos/acme/app/builds/1/logs/1/3');
    const text = secretLog.body.map((l) => l.out).join('\n');
    assert.match(text, /token is \*{8}/);
    assert.doesNotMatch(text, /hunter2/);

    const buildLog = await call<{ out: string }[]>('GET', '/api/repos/acme/app/builds/1/logs/1/4');
    const sha8 = repo.git('rev-parse', 'HEAD').slice(0, 8);
    assert.ok(buildLog.body.some((l) => l.out === `built main at ${sha8} as 1-main-${sha8}`), JSON.stringify(buildLog.body));
  });

  test('streams a step log over SSE, replaying from Last-Event-ID', async () => {
    const events = await readEvents(`${server.url}/api/repos/acme/app/builds/1/logs/1/2/stream`, token);
    assert.equal(events.at(-1)!.event, 'end');
    const lines = events.filter((e) => e.event === 'line').map((e) => (e.data as { out: string }).out);
    assert.ok(lines.includes('app works'), lines.join('\n'));
    const resumed = await fetch(`${server.url}/api/repos/acme/app/builds/1/logs/1/2/stream`, {
      headers: { authorization: `Bearer ${token}`, 'last-event-id': '0' },
    });
    const body = await resumed.text();
    assert.doesNotMatch(body, /^id: 0$/m);
    assert.match(body, /^id: 1$/m);
  });

  test('a failing step fails the build and names its exit code', async () => {
    repo.commit({ 'app.sh': 'echo broken; exit 3\n' }, 'break it');
    const { body } = await call<Build>('POST', '/api/repos/acme/app/builds', { event: 'push', branch: 'main' });
    assert.equal(body.number, 2);
    const done = await finished(2);
    assert.equal(done.build.status, 'failure');
    const test = done.stages[0]!.steps.find((s) => s.name === 'test')!;
    assert.equal(test.status, 'failure');
    assert.equal(test.exitCode, 3);
    assert.equal(done.stages[0]!.steps.find((s) => s.name === 'build')!.status, 'skipped');
  });

  test('cancel kills a running build', async () => {
    const marker = join(work, 'cancel-started');
    repo.commit(
      { '.drone.yml': `kind: pipeline\ntype: exec\nname: slow\nclone:\n  disable: true\nsteps:\n- name: wait\n  commands:\n  - touch ${marker}\n  - sleep 600\n` },
      'slow pipeline',
    );
    const { body } = await call<Build>('POST', '/api/repos/acme/app/builds', { event: 'custom', branch: 'main' });
    await waitFor(() => existsSync(marker), 'the step to start');
    const cancelled = await call<Build>('POST', `/api/repos/acme/app/builds/${body.number}/cancel`);
    assert.equal(cancelled.status, 200);
    const done = await finished(body.number);
    assert.equal(done.build.status, 'killed');
    assert.match(done.build.error ?? '', /cancelled by admin/);
    await waitFor(async () => (await detail(body.number)).stages[0]!.steps[0]!.status === 'killed', 'the step to be killed');
    assert.equal((await call('POST', `/api/repos/acme/app/builds/${body.number}/cancel`)).status, 409);
  });

  test('restart runs the same commit again as a new build', async () => {
    const original = (await detail(1)).build;
    const restarted = await call<Build & { parentNumber: number }>('POST', '/api/repos/acme/app/builds/1/restart');
    assert.equal(restarted.status, 201);
    assert.equal(restarted.body.parentNumber, 1);
    assert.equal(restarted.body.commitSha, original.commitSha);
    assert.ok(restarted.body.number > 3);
    assert.equal((await finished(restarted.body.number)).build.status, 'success');
  });

  test('steps get the trunkline command and a masked token of their own', async () => {
    repo.commit(
      {
        '.drone.yml':
          'kind: pipeline\ntype: exec\nname: tools\nclone:\n  disable: true\nsteps:\n- name: api\n  commands:\n  - echo "token $TRUNKLINE_TOKEN"\n  - trunkline builds acme/app --limit 1\n',
      },
      'use the api from a step',
    );
    const { body } = await call<Build>('POST', '/api/repos/acme/app/builds', { branch: 'main' });
    const done = await finished(body.number);
    assert.equal(done.build.status, 'success', JSON.stringify(done));
    const log = (await call<{ out: string }[]>('GET', `/api/repos/acme/app/builds/${body.number}/logs/1/1`)).body.map((l) => l.out);
    assert.ok(log.includes('token ********'), log.join('\n'));
    assert.ok(log.some((line) => line.startsWith(`#${body.number}\trunning`)), log.join('\n'));
  });

  test('an invalid pipeline file errors the build with positions', async () => {
    repo.commit({ '.drone.yml': 'kind: pipeline\ntype: exec\nname: bad\nsteps:\n- name: a\n  depends_on: [nowhere]\n  commands: [true]\n' }, 'bad file');
    const { body } = await call<Build>('POST', '/api/repos/acme/app/builds', { branch: 'main' });
    const done = await finished(body.number);
    assert.equal(done.build.status, 'error');
    assert.match(done.build.error ?? '', /\.drone\.yml:6:\d+/);
    assert.match(done.build.error ?? '', /nowhere/);
  });

  test('refuses bad input with the field and what was expected', async () => {
    const bad = await call<{ error: string; message: string; details: { field: string }[] }>('POST', '/api/repos', { namespace: 'acme', name: 'bad name!', cloneUrl: '' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'config');
    assert.deepEqual(bad.body.details.map((d) => d.field).sort(), ['cloneUrl', 'name']);
    const unknownRef = await call<{ message: string }>('POST', '/api/repos/acme/app/builds', { branch: 'no-such-branch' });
    assert.equal(unknownRef.status, 404);
    assert.match(unknownRef.body.message, /no-such-branch/);
    assert.equal((await call('GET', '/api/repos/acme/nothing')).status, 404);
    assert.equal((await call('POST', '/api/repos', { namespace: 'acme', name: 'app', cloneUrl: repo.dir })).status, 409);
  });

  test('authorization: no token is 401, a viewer may read but not trigger', async () => {
    assert.equal((await api(server.url)('GET', '/api/repos')).status, 401);
    assert.equal((await api(server.url, 'tl_wrong')('GET', '/api/repos')).status, 401);
    assert.equal((await call('POST', '/api/users', { login: 'vera', role: 'viewer' })).status, 201);
    const viewer = (await call<{ token: string }>('POST', '/api/users/vera/tokens', { name: 'test' })).body.token;
    const asViewer = api(server.url, viewer);
    assert.equal((await asViewer('GET', '/api/repos/acme/app/builds')).status, 200);
    const refused = await asViewer<{ message: string }>('POST', '/api/repos/acme/app/builds', { branch: 'main' });
    assert.equal(refused.status, 403);
    assert.match(refused.body.message, /developer/);
    assert.equal((await asViewer('POST', '/api/repos/acme/app/secrets', { name: 'x', value: 'y' })).status, 403);
    assert.equal((await asViewer('POST', '/api/repos', { namespace: 'v', name: 'v', cloneUrl: '/tmp' })).status, 403);
  });
});
