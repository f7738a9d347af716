import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { capabilities } from '../../access/index.ts';
import { NotFoundError } from '../../core/index.ts';
import type { AppContext } from '../context.ts';
import { auditOnSuccess } from '../audit-trail.ts';
import { guard } from '../auth.ts';
import { parseInput } from '../input.ts';

const createUser = z.object({
  login: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected a login of letters, digits, ".", "_" or "-"'),
  name: z.string().optional(),
  email: z.string().optional(),
  role: z.enum(['viewer', 'developer', 'release-manager', 'admin']),
});
const createToken = z
  .object({ name: z.string().min(1).max(100), expiresInDays: z.number().int().positive().optional() })
  .transform(({ name, expiresInDays }) => ({ name, expiresAt: expiresInDays ? Date.now() + expiresInDays * 86_400_000 : undefined }));

export function userRoutes(app: FastifyInstance, { store }: AppContext): void {
  /** The caller, with `can`: each action and whether the caller's role allows it. */
  app.get('/api/user', async (request) => {
    const { user } = await guard(store, request, 'read');
    return { ...user, can: capabilities(user.role) };
  });

  /** A new token for the caller; the plaintext is in this answer only. */
  app.post('/api/user/tokens', async (request, reply) => {
    const { user } = await guard(store, request, 'token.create');
    const { name, expiresAt } = parseInput(createToken, request.body, 'token');
    auditOnSuccess(request, 'token.create', { kind: 'user', id: user.login }, { details: { name } });
    return reply.status(201).send(await store.tokens.create(user.id, name, { expiresAt }));
  });

  /** The caller's tokens (never their values). */
  app.get('/api/user/tokens', async (request) => {
    const { user } = await guard(store, request, 'token.create');
    return store.tokens.list(user.id);
  });

  /** Revokes one of the caller's own tokens. */
  app.delete('/api/user/tokens/:id', async (request, reply) => {
    const { user } = await guard(store, request, 'token.create');
    const { id } = parseInput(z.object({ id: z.string().min(1) }), request.params, 'token path');
    if (!(await store.tokens.list(user.id)).some((token) => token.id === id)) throw new NotFoundError(`no token ${id} of ${user.login}`);
    await store.tokens.revoke(id);
    return reply.status(204).send();
  });

  app.get('/api/users', async (request) => {
    await guard(store, request, 'user.manage');
    return store.users.list();
  });

  app.post('/api/users', async (request, reply) => {
    await guard(store, request, 'user.manage');
    const input = parseInput(createUser, request.body, 'user');
    auditOnSuccess(request, 'user.create', { kind: 'user', id: input.login }, { details: { role: input.role } });
    return reply.status(201).send(await store.users.create(input));
  });

  /** An admin issues a token for another user (e.g. a runner or a newcomer). */
  app.post('/api/users/:login/tokens', async (request, reply) => {
    await guard(store, request, 'user.manage');
    const { login } = parseInput(z.object({ login: z.string() }), request.params, 'user path');
    const user = await store.users.findByLogin(login);
    if (!user) throw new NotFoundError(`no user "${login}"`);
    const { name, expiresAt } = parseInput(createToken, request.body, 'token');
    auditOnSuccess(request, 'token.create', { kind: 'user', id: user.login }, { details: { name } });
    return reply.status(201).send(await store.tokens.create(user.id, name, { expiresAt }));
  });
}
