import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { RepoRecord } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { auditOnSuccess } from '../audit-trail.ts';
import { guard } from '../auth.ts';
import { parseInput } from '../input.ts';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'expected letters, digits, ".", "_" or "-" (1-100 characters)');

const createRepo = z.object({
  namespace: name,
  name,
  /** Omitted: a new repository on the built-in git host. */
  cloneUrl: z.string().min(1, 'expected the URL or path git clones the repository from').optional(),
  provider: z.enum(['gitea', 'github', 'gitlab', 'git']).optional(),
  apiUrl: z.url().optional(),
  webhookSecret: z.string().min(8, 'expected at least 8 characters').optional(),
  credentials: z.object({ username: z.string().min(1), password: z.string().min(1) }).optional(),
  defaultBranch: z.string().min(1).optional(),
  visibility: z.enum(['public', 'private', 'internal']).optional(),
  configPath: z.string().min(1).optional(),
  timeoutMinutes: z.number().int().min(1).max(24 * 60).optional(),
  trusted: z.boolean().optional(),
});

const updateRepo = createRepo
  .omit({ namespace: true, name: true, cloneUrl: true })
  .extend({ webhookSecret: createRepo.shape.webhookSecret.unwrap().nullable(), credentials: createRepo.shape.credentials.unwrap().nullable() })
  .partial();

export const repoParams = z.object({ namespace: name, name });

export function slugOf(params: unknown): string {
  const { namespace, name } = parseInput(repoParams, params, 'repository path');
  return `${namespace}/${name}`;
}

/** A repository as the API shows it: built-in ones with the URL to clone and push. */
function present(repo: RepoRecord, server: AppContext['server']): RepoRecord & { httpUrl?: string } {
  return repo.provider === 'builtin' ? { ...repo, httpUrl: `${server.url}/git/${repo.slug}.git` } : repo;
}

export function repoRoutes(app: FastifyInstance, { store, gitHost, server }: AppContext): void {
  app.get('/api/repos', async (request) => {
    await guard(store, request, 'read');
    return (await store.repos.list()).map((repo) => present(repo, server));
  });

  app.post('/api/repos', async (request, reply) => {
    await guard(store, request, 'repo.create');
    const input = parseInput(createRepo, request.body, 'repository');
    auditOnSuccess(request, 'repo.create', { kind: 'repo', id: `${input.namespace}/${input.name}` }, { details: { builtin: input.cloneUrl === undefined } });
    if (input.cloneUrl !== undefined) return reply.status(201).send(present(await store.repos.create({ ...input, cloneUrl: input.cloneUrl }), server));
    // A repository hosted here: the record first (it claims the name), then the bare repository.
    const path = gitHost.repos.path(input.namespace, input.name);
    const repo = await store.repos.create({ ...input, provider: 'builtin', cloneUrl: path });
    await gitHost.repos.create(input.namespace, input.name, repo.defaultBranch);
    return reply.status(201).send(present(repo, server));
  });

  app.get('/api/repos/:namespace/:name/commits/:sha/statuses', async (request) => {
    await guard(store, request, 'read');
    const repo = await store.repos.getBySlug(slugOf(request.params));
    const { sha } = parseInput(z.object({ sha: z.string().regex(/^[0-9a-f]{40,64}$/, 'expected a full commit id') }), request.params, 'commit path');
    return store.commitStatuses.list(repo.id, sha);
  });

  app.get('/api/repos/:namespace/:name', async (request) => {
    await guard(store, request, 'read');
    return present(await store.repos.getBySlug(slugOf(request.params)), server);
  });

  app.patch('/api/repos/:namespace/:name', async (request) => {
    await guard(store, request, 'repo.update');
    const repo = await store.repos.getBySlug(slugOf(request.params));
    const patch = parseInput(updateRepo, request.body, 'repository update');
    auditOnSuccess(request, 'repo.update', { kind: 'repo', id: repo.slug }, { details: { fields: Object.keys(patch) } });
    return present(await store.repos.update(repo.id, patch), server);
  });
}
