import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GENERIC_SCHEMA, SIGNATURE_HEADER, verifySignature } from '../src/notify/index.ts';
import { api } from './helpers/api.ts';
import { TestRepo } from './helpers/git-repo.ts';
import { ServerProcess } from './helpers/server-process.ts';
import { waitFor } from './helpers/wait.ts';

const failing = `
kind: pipeline
type: exec
name: default

steps:
- name: test
  commands:
  - echo "running tests"
  - exit 3
`;

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const received: Received[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    received.push({ path: req.url ?? '', headers: req.headers, body });
    res.end('ok');
  });
});
const work = mkdtempSync(join(tmpdir(), 'tl-notify-e2e-'));
const repo = new TestRepo();
let server: ServerProcess;
let call: ReturnType<typeof api>;
let hookUrl = '';

before(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/trunkline`;
  repo.commit({ '.drone.yml': failing }, 'add a failing test');
  const dataDir = join(work, 'data');
  server = new ServerProcess(dataDir);
  call = api(await server.url, ServerProcess.token(dataDir));
});
after(async () => {
  await server?.stop();
  await new Promise((resolve) => receiver.close(resolve));
  rmSync(work, { recursive: true, force: true });
  rmSync(repo.dir, { recursive: true, force: true });
});

test('a failing build produces one signed generic JSON delivery', async () => {
  const created = await call<Record<string, unknown>>('POST', '/api/notifications/targets', {
    name: 'ops-hook',
    kind: 'generic',
    url: hookUrl,
    secret: 'shared-secret',
  });
  assert.equal(created.status, 201);
  assert.ok(!JSON.stringify(created.body).includes(hookUrl) && !JSON.stringify(created.body).includes('shared-secret'));
  // A second target that only wants production deployments must stay silent.
  assert.equal((await call('POST', '/api/notifications/targets', { name: 'prod-only', kind: 'generic', url: `${hookUrl}/prod`, environments: ['production'] })).status, 201);

  assert.equal((await call('POST', '/api/repos', { namespace: 'acme', name: 'api', cloneUrl: repo.dir })).status, 201);
  const build = await call<{ number: number }>('POST', '/api/repos/acme/api/builds', { branch: 'main' });
  assert.equal(build.status, 201);
  await waitFor(async () => {
    const { body } = await call<{ build: { status: string } }>('GET', `/api/repos/acme/api/builds/${build.body.number}`);
    return body.build.status === 'failure';
  }, 'the build to fail');
  const deliveries = await waitFor(async () => {
    const { body } = await call<{ target: string; status: string; eventKind: string; attempts: number }[]>('GET', '/api/notifications/deliveries');
    return body.length > 0 && body.every((d) => d.status === 'delivered') && body;
  }, 'the delivery');

  assert.deepEqual(deliveries.map((d) => [d.target, d.eventKind, d.attempts]), [['ops-hook', 'build.failed', 1]]);
  assert.equal(received.length, 1);
  const [request] = received;
  assert.equal(request?.path, '/hooks/trunkline');
  assert.equal(request?.headers['content-type'], 'application/json');
  assert.equal(request?.headers['x-trunkline-event'], 'build.failed');
  assert.ok(verifySignature(request!.body, 'shared-secret', request!.headers[SIGNATURE_HEADER] as string), 'valid signature');
  const payload = JSON.parse(request!.body) as Record<string, unknown>;
  assert.equal(payload['schema'], GENERIC_SCHEMA);
  assert.equal(payload['kind'], 'build.failed');
  assert.equal(payload['repo'], 'acme/api');
  assert.equal(payload['environment'], null);
  assert.match(String(payload['summary']), /^Build #1 of acme\/api failed on main: add a failing test/);
  assert.match(String(payload['url']), /\/repos\/acme\/api\/builds\/1$/);
});

test('targets are listed without secrets, changed, tested and removed; only admins manage them', async () => {
  const { body: targets } = await call<{ name: string; secrets: string[] }[]>('GET', '/api/notifications/targets');
  assert.deepEqual(targets.map((t) => [t.name, t.secrets]), [['ops-hook', ['secret', 'url']], ['prod-only', ['url']]]);
  assert.ok(!JSON.stringify(targets).includes('127.0.0.1'));

  const patched = await call<{ events: string[] }>('PATCH', '/api/notifications/targets/ops-hook', { events: ['build.failed', 'build.succeeded'] });
  assert.equal(patched.status, 200);
  assert.deepEqual(patched.body.events, ['build.failed', 'build.succeeded']);
  const bad = await call<{ error: string; details: { field: string }[] }>('PATCH', '/api/notifications/targets/ops-hook', { url: 'not a url' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.details[0]?.field, 'url');

  const before = received.length;
  const tested = await call<{ status: string; eventKind: string }>('POST', '/api/notifications/targets/ops-hook/test');
  assert.equal(tested.status, 200);
  assert.equal(tested.body.status, 'delivered');
  assert.equal(received.length, before + 1);
  assert.equal((JSON.parse(received.at(-1)!.body) as { kind: string }).kind, 'test');

  const user = await call('POST', '/api/users', { login: 'dev', role: 'developer' });
  assert.equal(user.status, 201);
  const { body: devToken } = await call<{ token: string }>('POST', '/api/users/dev/tokens', { name: 't' });
  assert.equal((await call('GET', '/api/notifications/targets', undefined, devToken.token)).status, 403);
  assert.equal((await call('POST', '/api/notifications/targets', { name: 'x', kind: 'slack', url: hookUrl }, devToken.token)).status, 403);

  assert.equal((await call('DELETE', '/api/notifications/targets/prod-only')).status, 204);
  assert.equal((await call('DELETE', '/api/notifications/targets/prod-only')).status, 404);
});

test('trunkline notify add, ls, test, deliveries and rm drive the same API', async () => {
  const cli = new URL('../bin/trunkline.js', import.meta.url).pathname;
  const env = { ...process.env, TRUNKLINE_SERVER: await server.url, TRUNKLINE_TOKEN: ServerProcess.token(join(work, 'data')) };
  // Asynchronous: the receiver answering the test message runs in this process.
  const trunkline = (...args: string[]) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [cli, 'notify', ...args], { env, encoding: 'utf8' }, (error, stdout, stderr) =>
        resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  const add = await trunkline('add', 'cli-hook', '--kind', 'generic', '--url', `${hookUrl}/cli`, '--event', 'build.failed', '--env', 'preview-*');
  assert.equal(add.status, 0, add.stderr);
  assert.match(add.stdout, /notification target cli-hook \(generic\) added: build\.failed; preview-\*/);
  const ls = await trunkline('ls');
  assert.match(ls.stdout, /^cli-hook\tgeneric\tbuild\.failed; preview-\*$/m);
  assert.ok(!ls.stdout.includes(hookUrl));

  const sent = await trunkline('test', 'cli-hook');
  assert.equal(sent.status, 0, sent.stderr);
  assert.match(sent.stdout, /test message delivered to cli-hook \(HTTP 200\)/);
  assert.equal(received.at(-1)?.path, '/hooks/trunkline/cli');
  assert.match((await trunkline('deliveries', '--target', 'cli-hook')).stdout, /\tcli-hook\ttest\tdelivered\t1 attempt/);

  const refused = await trunkline('add', 'bad', '--kind', 'telegram', '--bot-token', 'nope', '--chat-id', '1');
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /botToken/);

  assert.equal((await trunkline('rm', 'cli-hook')).status, 0);
  assert.doesNotMatch((await trunkline('ls')).stdout, /cli-hook/);
});
