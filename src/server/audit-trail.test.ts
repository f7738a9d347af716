import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { AuditLog } from '../audit/index.ts';
import { ConflictError, ForbiddenError, silentLogger } from '../core/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { auditOnSuccess, AuditTrail } from './audit-trail.ts';
import { guard } from './auth.ts';
import { errorHandler } from './errors.ts';

let store: Store;
let log: AuditLog;
let app: FastifyInstance;
const auth: Record<string, string> = {};

before(async () => {
  store = await openStore({ path: ':memory:', secretKey: Buffer.alloc(32, 1) });
  log = new AuditLog({ store });
  for (const [login, role] of [['dev', 'developer'], ['view', 'viewer']] as const) {
    const user = await store.users.create({ login, role });
    auth[login] = `Bearer ${(await store.tokens.create(user.id, 't')).token}`;
  }
  app = Fastify();
  app.setErrorHandler(errorHandler(silentLogger));
  new AuditTrail(log, silentLogger).install(app);
  app.get('/api/thing', async (request) => (await guard(store, request, 'read')).user.login);
  app.post('/api/things', async (request, reply) => {
    await guard(store, request, 'build.trigger');
    return reply.status(201).send({ ok: true });
  });
  app.post('/api/things/:id/approve', async (request) => {
    await guard(store, request, 'read');
    throw new ForbiddenError('the approver authored a commit in the change');
  });
  app.post('/api/things/:id/promote', async (request) => {
    await guard(store, request, 'build.trigger');
    auditOnSuccess(request, 'thing.promote', { kind: 'thing', id: 'a' }, { environment: 'production' });
    if ((request.body as { fail?: boolean } | undefined)?.fail) throw new ConflictError('approvals are missing');
    return { promoted: true };
  });
  await app.ready();
});
after(async () => {
  await app.close();
  await store.close();
});

const newest = async () => (await log.list({ limit: 1 })).entries[0];

test('a successful mutating call without a domain record is recorded as api.call with its caller', async () => {
  assert.equal((await app.inject({ method: 'POST', url: '/api/things', headers: { authorization: auth['dev'] } })).statusCode, 201);
  const entry = await newest();
  assert.equal(entry?.action, 'api.call');
  assert.equal(entry?.actor, 'dev');
  assert.deepEqual(entry?.target, { kind: 'route', id: 'POST /api/things' });
  assert.deepEqual(entry?.details, { path: '/api/things', status: 201 });
});

test('reads are not recorded; a failed authentication on a read is not either (clients retry after the challenge)', async () => {
  const before = (await log.verify()).checked;
  assert.equal((await app.inject({ method: 'GET', url: '/api/thing', headers: { authorization: auth['view'] } })).statusCode, 200);
  assert.equal((await app.inject({ method: 'GET', url: '/api/thing' })).statusCode, 401);
  assert.equal((await log.verify()).checked, before);
});

test('refusals are recorded: a role too low, no token on a mutating call, and a ForbiddenError thrown by the route itself', async () => {
  assert.equal((await app.inject({ method: 'POST', url: '/api/things', headers: { authorization: auth['view'] } })).statusCode, 403);
  let entry = await newest();
  assert.equal(entry?.action, 'access.denied');
  assert.equal(entry?.actor, 'view');
  assert.equal(entry?.details['action'], 'build.trigger');

  assert.equal((await app.inject({ method: 'POST', url: '/api/things' })).statusCode, 401);
  entry = await newest();
  assert.equal(entry?.actor, 'anonymous');
  assert.equal(entry?.details['status'], 401);

  assert.equal((await app.inject({ method: 'POST', url: '/api/things/1/approve', headers: { authorization: auth['dev'] } })).statusCode, 403);
  entry = await newest();
  assert.equal(entry?.action, 'access.denied');
  assert.equal(entry?.actor, 'dev');
  assert.equal(entry?.details['reason'], 'the approver authored a commit in the change');
  assert.equal(entry?.target.id, 'POST /api/things/:id/approve');
});

test('a domain record is written only when the call succeeds', async () => {
  const before = (await log.verify()).checked;
  const failed = await app.inject({ method: 'POST', url: '/api/things/1/promote', headers: { authorization: auth['dev'] }, payload: { fail: true } });
  assert.equal(failed.statusCode, 409);
  assert.equal((await log.verify()).checked, before);
  assert.equal((await app.inject({ method: 'POST', url: '/api/things/1/promote', headers: { authorization: auth['dev'] }, payload: {} })).statusCode, 200);
  const entry = await newest();
  assert.equal(entry?.action, 'thing.promote');
  assert.equal(entry?.environment, 'production');
  assert.equal(entry?.details['route'], 'POST /api/things/:id/promote');
  assert.equal((await log.verify()).ok, true);
});
