import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { auditOnSuccess } from '../audit-trail.ts';
import { guard } from '../auth.ts';
import { parseInput } from '../input.ts';
import { slugOf } from './repos.ts';

const secretName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, 'expected a name of letters, digits, "_", "." or "-"');
const setSecret = z.object({ name: secretName, value: z.string(), allowPullRequest: z.boolean().optional() });

/** Secrets are write-only over the API: values go in, only names come out. */
export function secretRoutes(app: FastifyInstance, { store }: AppContext): void {
  app.get('/api/repos/:namespace/:name/secrets', async (request) => {
    await guard(store, request, 'read');
    const repo = await store.repos.getBySlug(slugOf(request.params));
    return store.secrets.list(repo.id);
  });

  app.post('/api/repos/:namespace/:name/secrets', async (request, reply) => {
    await guard(store, request, 'secret.write');
    const repo = await store.repos.getBySlug(slugOf(request.params));
    const input = parseInput(setSecret, request.body, 'secret');
    auditOnSuccess(request, 'secret.write', { kind: 'secret', id: `${repo.slug}/${input.name}` }, { details: { allowPullRequest: input.allowPullRequest ?? false } });
    const record = await store.secrets.set(repo.id, input.name, input.value, { allowPullRequest: input.allowPullRequest });
    return reply.status(201).send(record);
  });

  app.delete('/api/repos/:namespace/:name/secrets/:secret', async (request, reply) => {
    await guard(store, request, 'secret.write');
    const repo = await store.repos.getBySlug(slugOf(request.params));
    const { secret } = parseInput(z.object({ secret: secretName }), request.params, 'secret path');
    auditOnSuccess(request, 'secret.delete', { kind: 'secret', id: `${repo.slug}/${secret}` });
    await store.secrets.delete(repo.id, secret);
    return reply.status(204).send();
  });
}
