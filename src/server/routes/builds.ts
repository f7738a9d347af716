import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { auditOnSuccess, audited } from '../audit-trail.ts';
import { guard } from '../auth.ts';
import { parseInput } from '../input.ts';
import { repoParams, slugOf } from './repos.ts';

const events = ['push', 'pull_request', 'tag', 'promote', 'rollback', 'cron', 'custom', 'create', 'delete'] as const;
const statuses = ['pending', 'running', 'success', 'failure', 'error', 'killed', 'skipped'] as const;

const triggerBody = z
  .object({
    event: z.enum(events).default('custom'),
    branch: z.string().min(1).optional(),
    ref: z.string().regex(/^refs\//, 'expected a full ref such as refs/heads/main').optional(),
    commit: z.string().regex(/^[0-9a-f]{4,64}$/, 'expected a commit id (hex)').optional(),
    before: z.string().regex(/^[0-9a-f]{40,64}$/, 'expected a full commit id').optional(),
    action: z.string().optional(),
    deployTo: z.string().optional(),
    pullRequest: z.number().int().positive().optional(),
    sourceBranch: z.string().optional(),
    targetBranch: z.string().optional(),
    params: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a variable name'), z.string()).optional(),
  })
  .strict();

const listQuery = z.object({
  branch: z.string().optional(),
  status: z.enum(statuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  before: z.coerce.number().int().positive().optional(),
});

export const buildParams = repoParams.extend({ number: z.coerce.number().int().positive() });

export function buildRoutes(app: FastifyInstance, { store, builds }: AppContext): void {
  app.get('/api/repos/:namespace/:name/builds', async (request) => {
    await guard(store, request, 'read');
    return builds.list(slugOf(request.params), parseInput(listQuery, request.query, 'build query'));
  });

  app.post('/api/repos/:namespace/:name/builds', async (request, reply) => {
    const { user } = await guard(store, request, 'build.trigger');
    const input = parseInput(triggerBody, request.body, 'build request');
    const build = await builds.trigger(slugOf(request.params), { ...input, trigger: user.login });
    await audited(request, 'build.trigger', { kind: 'build', id: `${slugOf(request.params)}#${build.number}` }, { details: { event: build.event, ref: build.ref, commit: build.commitSha } });
    return reply.status(201).send(build);
  });

  app.get('/api/repos/:namespace/:name/builds/:number', async (request) => {
    await guard(store, request, 'read');
    const { number } = parseInput(buildParams, request.params, 'build path');
    return builds.detail(slugOf(request.params), number);
  });

  app.post('/api/repos/:namespace/:name/builds/:number/cancel', async (request) => {
    const { user } = await guard(store, request, 'build.cancel');
    const { number } = parseInput(buildParams, request.params, 'build path');
    auditOnSuccess(request, 'build.cancel', { kind: 'build', id: `${slugOf(request.params)}#${number}` });
    return builds.cancel(slugOf(request.params), number, user.login);
  });

  app.post('/api/repos/:namespace/:name/builds/:number/restart', async (request, reply) => {
    const { user } = await guard(store, request, 'build.restart');
    const { number } = parseInput(buildParams, request.params, 'build path');
    const build = await builds.restart(slugOf(request.params), number, user.login);
    await audited(request, 'build.restart', { kind: 'build', id: `${slugOf(request.params)}#${number}` }, { details: { newBuild: build.number } });
    return reply.status(201).send(build);
  });
}
