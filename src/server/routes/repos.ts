import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { guard } from '../auth.ts';
import { parseInput } from '../input.ts';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'expected letters, digits, ".", "_" or "-" (1-100 characters)');

const createRepo = z.object({
  namespace: name,
  name,
  cloneUrl: z.string().min(1, 'expected the URL or path git clones the repository from'),
  defaultBranch: z.string().min(1).optional(),
  visibility: z.enum(['public', 'private', 'internal']).optional(),
  configPath: z.string().min(1).optional(),
  timeoutMinutes: z.number().int().min(1).max(24 * 60).optional(),
  trusted: z.boolean().optional(),
});

const updateRepo = createRepo.omit({ namespace: true, name: true }).partial();

export const repoParams = z.object({ namespace: name, name });

export function slugOf(params: unknown): string {
  const { namespace, name } = parseInput(repoParams, params, 'repository path');
  return `${namespace}/${name}`;
}

export function repoRoutes(app: FastifyInstance, { store }: AppContext): void {
  app.get('/api/repos', async (request) => {
    await guard(store, request, 'read');
    return store.repos.list();
  });

  app.post('/api/repos', async (request, reply) => {
    await guard(store, request, 'repo.create');
    const repo = await store.repos.create(parseInput(createRepo, request.body, 'repository'));
    return reply.status(201).send(repo);
  });

  app.get('/api/repos/:namespace/:name', async (request) => {
    await guard(store, request, 'read');
    return store.repos.getBySlug(slugOf(request.params));
  });

  app.patch('/api/repos/:namespace/:name', async (request) => {
    await guard(store, request, 'repo.update');
    const repo = await store.repos.getBySlug(slugOf(request.params));
    return store.repos.update(repo.id, parseInput(updateRepo, request.body, 'repository update'));
  });
}
