/**
 * The runner protocol spoken by hand: a claim waits (long poll) until a
 * stage is queued, the runner reports its step and result against the
 * lease, and the build ends as reported; another runner's token cannot
 * report on it, and a cancelled build tells the runner at its heartbeat.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/index.ts';
import { loadConfig, startServer, type RunningServer } from '../src/server/index.ts';
import { api } from './helpers/api.ts';
import { TestRepo } from './helpers/git-repo.ts';
import { waitFor } from './helpers/wait.ts';

const work = mkdtempSync(join(tmpdir(), 'tl-runner-protocol-'));
const repo = new TestRepo();
let server: RunningServer;
let call: ReturnType<typeof api>;
const tokens: string[] = [];

interface Assignment {
  job: { id: string };
  build: { number: number };
  pipeline: { name: string };
  steps: { name: string }[];
}

before(async () => {
  repo.commit({ '.drone.yml': 'kind: pipeline\ntype: exec\nname: default\nclone:\n  disable: true\nsteps:\n- name: hello\n  commands: [echo hello]\n' });
  server = await startServer(loadConfig({ TRUNKLINE_DATA_DIR: join(work, 'data'), TRUNKLINE_PORT: '0', TRUNKLINE_CAPACITY: '0' }), silentLogger);
  call = api(server.url, server.adminToken);
  assert.equal((await call('POST', '/api/repos', { namespace: 'acme', name: 'app', cloneUrl: repo.dir })).status, 201);
  for (const name of ['one', 'two']) tokens.push((await call<{ token: string }>('POST', '/api/runners', { name })).body.token);
});
after(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(repo.dir, { recursive: true, force: true });
});

const claimBody = { types: ['exec'], os: 'linux', arch: 'amd64', waitSeconds: 30 };

test('a claim waits for work, and the runner reports its steps and result against its lease', async () => {
  // Asked before anything is queued: the answer comes when the build is.
  const claim = call<Assignment>('POST', '/api/runner/claim', claimBody, tokens[0]);
  const settled = await Promise.race([claim.then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 300))]);
  assert.equal(settled, 'waiting', 'the long poll waits while nothing is queued');
  assert.equal((await call('POST', '/api/repos/acme/app/builds', { event: 'push', branch: 'main' })).status, 201);
  const claimed = await claim;
  assert.equal(claimed.status, 200);
  assert.equal(claimed.body.pipeline.name, 'default');
  assert.deepEqual(claimed.body.steps.map((s) => s.name), ['hello']);

  const job = `/api/runner/jobs/${claimed.body.job.id}`;
  assert.equal((await call('POST', `${job}/steps/hello/started`, { at: Date.now() }, tokens[1])).status, 409, "another runner's token holds no lease");
  assert.equal((await call('POST', `${job}/steps/hello/started`, { at: Date.now() }, tokens[0])).status, 204);
  assert.equal((await call('POST', `${job}/steps/hello/logs`, { lines: [{ pos: 0, time: 1, out: 'hello from far away' }] }, tokens[0])).status, 204);
  assert.equal((await call('POST', `${job}/steps/hello/finished`, { status: 'success', exitCode: 0, finishedAt: Date.now() }, tokens[0])).status, 204);
  assert.deepEqual((await call<{ cancel: boolean }>('POST', `${job}/heartbeat`, undefined, tokens[0])).body, { cancel: false });
  assert.equal((await call('POST', `${job}/complete`, { status: 'success' }, tokens[0])).status, 204);

  const detail = await waitFor(async () => {
    const d = (await call<{ build: { status: string }; stages: { machine: string }[] }>('GET', `/api/repos/acme/app/builds/${claimed.body.build.number}`)).body;
    return d.build.status === 'success' ? d : undefined;
  }, 'the build to end as reported');
  assert.equal(detail.stages[0]!.machine, 'one');
  const log = (await call<{ out: string }[]>('GET', `/api/repos/acme/app/builds/${claimed.body.build.number}/logs/1/1`)).body;
  assert.deepEqual(log.map((l) => l.out), ['hello from far away']);
  assert.equal((await call('POST', `${job}/complete`, { status: 'success' }, tokens[0])).status, 409, 'a finished lease is gone');
});

test('a cancelled build is told to its runner at the next heartbeat', async () => {
  const { body: build } = await call<{ number: number }>('POST', '/api/repos/acme/app/builds', { event: 'push', branch: 'main' });
  const claimed = await call<Assignment>('POST', '/api/runner/claim', claimBody, tokens[1]);
  assert.equal(claimed.body.build.number, build.number);
  assert.equal((await call('POST', `/api/repos/acme/app/builds/${build.number}/cancel`)).status, 200);
  const job = `/api/runner/jobs/${claimed.body.job.id}`;
  assert.deepEqual((await call<{ cancel: boolean }>('POST', `${job}/heartbeat`, undefined, tokens[1])).body, { cancel: true });
  assert.equal((await call('POST', `${job}/complete`, { status: 'killed' }, tokens[1])).status, 204);
});
