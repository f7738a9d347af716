import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { ConfigError, silentLogger } from '../src/core/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { waitFor } from './helpers/wait.ts';
import { DELIVERY_JOB, Notifier, verifySignature, type NotifierOptions } from '../src/notify/index.ts';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver that answers each request with the next scripted reply (the last one repeats). */
class Receiver {
  readonly received: Received[] = [];
  script: ((res: ServerResponse) => void)[] = [];
  readonly server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      this.received.push({ path: req.url ?? '', headers: req.headers, body });
      const reply = this.script[Math.min(this.received.length - 1, this.script.length - 1)];
      if (reply) reply(res);
      else res.end('ok');
    });
  });

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
}

const status = (code: number, body = '', headers: Record<string, string> = {}) => (res: ServerResponse) => {
  res.writeHead(code, headers);
  res.end(body);
};

const dir = mkdtempSync(join(tmpdir(), 'trunkline-notify-'));
const secretKey = Buffer.alloc(32, 3);
const receiver = new Receiver();
let store: Store;
let notifier: Notifier | undefined;
let counter = 0;
let path = '';

before(() => new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve)));
after(async () => {
  await new Promise((resolve) => receiver.server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  counter += 1;
  path = join(dir, `n-${counter}.sqlite`);
  store = await openStore({ path, secretKey });
  receiver.received.length = 0;
  receiver.script = [];
});
afterEach(async () => {
  await notifier?.stop();
  notifier = undefined;
  await store.close();
});

function makeNotifier(options: Partial<NotifierOptions> = {}): Notifier {
  return new Notifier({
    targets: store.notificationTargets,
    deliveries: store.notificationDeliveries,
    jobs: store.jobs,
    logger: silentLogger,
    owner: 'test',
    userAgent: 'Trunkline/test',
    retry: { baseDelayMs: 1, maxDelayMs: 4, timeoutMs: 5000 },
    pollMs: 50,
    ...options,
  });
}

/** Waits until the newest delivery has this status. */
function newestDelivery(status: string, what: string) {
  return waitFor(async () => {
    const [delivery] = await notifier!.deliveries();
    return delivery?.status === status && delivery;
  }, what);
}

const failed = { kind: 'build.failed' as const, repo: 'acme/api', summary: 'Build #1 of acme/api failed' };

test('targets: created from flat input, secrets write-only, validated per kind', async () => {
  notifier = makeNotifier();
  const view = await notifier.targets.create({ name: 'hook', kind: 'generic', url: `${receiver.url}/in`, secret: 'k', environments: ['prod*'] });
  assert.deepEqual(view.secrets, ['secret', 'url']);
  assert.deepEqual(view.settings, {});
  assert.equal(view.events, null);
  assert.ok(!JSON.stringify(view).includes(receiver.url));
  await assert.rejects(notifier.targets.create({ name: 'tg', kind: 'telegram', botToken: 'nope', chatId: '1' }), ConfigError);
  await assert.rejects(notifier.targets.create({ name: 'x', kind: 'generic', url: 'https://a.example', events: ['nope'] }), ConfigError);
  const tg = await notifier.targets.create({ name: 'tg', kind: 'telegram', botToken: '1:abc', chatId: -5 });
  assert.deepEqual(tg.settings, { chatId: '-5' });
  assert.deepEqual(tg.secrets, ['botToken']);
  const patched = await notifier.targets.update('hook', { secret: null, events: ['build.succeeded'], environments: null });
  assert.deepEqual(patched.secrets, ['url']);
  assert.deepEqual(patched.events, ['build.succeeded']);
  assert.equal(patched.environments, null);
  assert.deepEqual(await store.notificationTargets.revealSecrets('hook'), { url: `${receiver.url}/in` });
});

test('notify routes each event to the targets that want it and delivers it signed', async () => {
  notifier = makeNotifier();
  await notifier.targets.create({ name: 'all', kind: 'generic', url: `${receiver.url}/all`, secret: 'k' });
  await notifier.targets.create({ name: 'prod', kind: 'generic', url: `${receiver.url}/prod`, environments: ['production'] });
  await notifier.targets.create({ name: 'ok', kind: 'generic', url: `${receiver.url}/ok`, events: ['build.succeeded'] });
  notifier.start();
  const ids = await notifier.notify(failed);
  assert.equal(ids.length, 1);
  const delivered = await newestDelivery('delivered', 'the delivery');
  assert.equal(delivered.target, 'all');
  assert.equal(delivered.attempts, 1);
  assert.equal(delivered.responseStatus, 200);
  assert.equal(receiver.received.length, 1);
  const [request] = receiver.received;
  assert.equal(request?.path, '/all');
  assert.ok(verifySignature(request!.body, 'k', request!.headers['x-trunkline-signature-256'] as string));
  assert.equal((JSON.parse(request!.body) as { kind: string }).kind, 'build.failed');
  assert.equal(request?.headers['x-trunkline-delivery'], ids[0]);
});

test('a failing receiver is retried until it accepts', async () => {
  notifier = makeNotifier();
  await notifier.targets.create({ name: 'flaky', kind: 'slack', url: `${receiver.url}/services/T/B/X` });
  receiver.script = [status(503, 'down'), status(500, 'still down'), status(200, 'ok')];
  notifier.start();
  await notifier.notify(failed);
  const delivered = await newestDelivery('delivered', 'the delivery after retries');
  assert.equal(delivered.attempts, 3);
  assert.equal(delivered.lastError, undefined);
  assert.equal(receiver.received.length, 3);
  assert.deepEqual(new Set(receiver.received.map((r) => r.body)).size, 1, 'every attempt sends the same message');
});

test('a client error other than 408/429 is not retried', async () => {
  notifier = makeNotifier();
  await notifier.targets.create({ name: 'gone', kind: 'slack', url: `${receiver.url}/services/T/B/X` });
  receiver.script = [status(404, 'no_service')];
  notifier.start();
  await notifier.notify(failed);
  const final = await newestDelivery('failed', 'the failed delivery');
  assert.equal(final.attempts, 1);
  assert.equal(final.responseStatus, 404);
  assert.equal(final.lastError, 'HTTP 404: no_service');
  assert.equal(receiver.received.length, 1);
  assert.equal((await store.jobs.list({ kind: DELIVERY_JOB, status: 'failed' })).length, 1);
});

test('gives up after the last attempt', async () => {
  notifier = makeNotifier({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 5000 } });
  await notifier.targets.create({ name: 'down', kind: 'generic', url: `${receiver.url}/x` });
  receiver.script = [status(502)];
  notifier.start();
  await notifier.notify(failed);
  const final = await newestDelivery('failed', 'the failed delivery');
  assert.equal(final.attempts, 2);
  assert.equal(receiver.received.length, 2);
});

test('429 with Retry-After: the next attempt waits at least that long', async () => {
  notifier = makeNotifier();
  await notifier.targets.create({ name: 'busy', kind: 'slack', url: `${receiver.url}/services/T/B/X` });
  receiver.script = [status(429, 'rate_limited', { 'retry-after': '120' })];
  notifier.start();
  const before = Date.now();
  await notifier.notify(failed);
  const retrying = await newestDelivery('retrying', 'the delivery to be put back');
  assert.equal(retrying.responseStatus, 429);
  const [job] = await store.jobs.list({ kind: DELIVERY_JOB, status: 'queued' });
  assert.ok(job && job.availableAt >= before + 120_000, 'requeued no earlier than Retry-After');
  assert.equal(receiver.received.length, 1);
});

test('Telegram 429 with parameters.retry_after: the next attempt waits at least that long', async () => {
  notifier = makeNotifier();
  await notifier.targets.create({ name: 'tg', kind: 'telegram', botToken: '42:secret-token', chatId: '-100', apiUrl: receiver.url });
  receiver.script = [
    status(429, JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 45', parameters: { retry_after: 45 } })),
  ];
  notifier.start();
  const before = Date.now();
  await notifier.notify(failed);
  const retrying = await newestDelivery('retrying', 'the delivery to be put back');
  assert.equal(retrying.lastError, 'Telegram 429: Too Many Requests: retry after 45');
  const [job] = await store.jobs.list({ kind: DELIVERY_JOB, status: 'queued' });
  assert.ok(job && job.availableAt >= before + 45_000);
  const [request] = receiver.received;
  assert.equal(request?.path, '/bot42:secret-token/sendMessage');
  const body = JSON.parse(request!.body) as { chat_id: string; parse_mode: string };
  assert.equal(body.chat_id, '-100');
  assert.equal(body.parse_mode, 'HTML');
  assert.ok(!JSON.stringify(await notifier.deliveries()).includes('secret-token'));
});

test('a queued delivery survives a restart', async () => {
  const first = makeNotifier();
  await first.targets.create({ name: 'hook', kind: 'generic', url: `${receiver.url}/later`, secret: 'k' });
  const [id] = await first.notify(failed); // queued, but this process never starts delivering
  assert.ok(id);
  assert.equal((await first.deliveries())[0]?.status, 'queued');
  await store.close();

  store = await openStore({ path, secretKey });
  notifier = makeNotifier();
  notifier.start();
  const delivered = await newestDelivery('delivered', 'the delivery after the restart');
  assert.equal(delivered.id, id);
  assert.equal(receiver.received.length, 1);
  assert.equal(receiver.received[0]?.path, '/later');
});

test('a delivery whose process died mid-attempt is taken up again once its lease expires', async () => {
  await makeNotifier().targets.create({ name: 'hook', kind: 'generic', url: `${receiver.url}/x` });
  await makeNotifier().notify(failed);
  const claimed = await store.jobs.claim({ owner: 'dead-process', leaseMs: 1, kinds: [DELIVERY_JOB] });
  assert.ok(claimed);
  await waitFor(() => Date.now() > claimed.leaseExpiresAt! && true, 'the lease to run out');
  notifier = makeNotifier();
  notifier.start();
  const delivered = await newestDelivery('delivered', 'the delivery');
  assert.equal(delivered.attempts, 2);
});

test('test sends one message now and records it', async () => {
  notifier = makeNotifier();
  await notifier.targets.create({ name: 'hook', kind: 'generic', url: `${receiver.url}/t` });
  const delivery = await notifier.test('hook', 'https://trunkline.example');
  assert.equal(delivery.status, 'delivered');
  assert.equal(delivery.eventKind, 'test');
  const payload = JSON.parse(receiver.received[0]!.body) as { kind: string; url: string };
  assert.equal(payload.kind, 'test');
  assert.equal(payload.url, 'https://trunkline.example');
  receiver.script = [status(400, 'invalid_payload')];
  const refused = await notifier.test('hook');
  assert.equal(refused.status, 'failed');
  assert.equal(refused.lastError, 'HTTP 400: invalid_payload');
});

test('a deleted target ends its queued deliveries as failed', async () => {
  notifier = makeNotifier();
  await notifier.targets.create({ name: 'hook', kind: 'generic', url: `${receiver.url}/x` });
  await notifier.notify(failed);
  await notifier.targets.delete('hook');
  notifier.start();
  const final = await newestDelivery('failed', 'the failed delivery');
  assert.equal(final.lastError, 'the target was deleted');
  assert.equal(receiver.received.length, 0);
});
