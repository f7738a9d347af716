import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../environments/index.ts';
import type { ReleaseRecord } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { guard } from '../auth.ts';
import { parseInput } from '../input.ts';

const label = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a lower-case DNS label').max(63);
const target = z.object({ env: label, service: label });
const tag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, 'expected an OCI tag');

const promoteBody = z.strictObject({ from: label.optional(), imageTag: tag.optional(), chartVersion: z.string().min(1).optional(), comment: z.string().optional() });
const approveBody = z.strictObject({ comment: z.string().trim().min(1, 'an approval needs a comment') });
const syncBody = z.strictObject({ override: z.strictObject({ reason: z.string().trim().min(1, 'an override needs a reason') }).optional() });
const rollbackBody = z.strictObject({ release: z.string().min(1).optional(), revision: z.string().min(1).optional(), comment: z.string().optional() });
export const versionBody = z.object({
  image: z.object({ tag, repository: z.string().min(1).optional() }),
  chart: z.object({ version: z.string().min(1), repository: z.string().min(1).optional() }).optional(),
  build: z.object({ url: z.string().optional() }).optional(),
  source: z.object({ repo: z.string().min(1), commit: z.string().min(1), branch: z.string().min(1).optional(), tag: z.string().min(1).optional(), build: z.number().int().positive().optional() }).optional(),
});
const releaseQuery = z.object({ service: label.optional(), environment: label.optional(), limit: z.coerce.number().int().min(1).max(500).optional() });

function actorOf(user: { login: string; email: string; role: Actor['role'] }): Actor {
  return { login: user.login, email: user.email, role: user.role };
}

/** Release records with times as ISO strings (the contract's shape). */
export function presentRelease(release: ReleaseRecord): Omit<ReleaseRecord, 'deployedAt' | 'approvers' | 'commits'> & { deployedAt: string; approvers: { login: string; comment: string; at: string }[]; commits: { sha: string; message: string; author: string; committedAt: string }[] } {
  return {
    ...release,
    deployedAt: new Date(release.deployedAt).toISOString(),
    approvers: release.approvers.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
    commits: release.commits.map((c) => ({ ...c, committedAt: new Date(c.committedAt).toISOString() })),
  };
}

/**
 * Environments: their settings and the service matrix (viewer), promotion,
 * approvals, syncs, rollbacks and the pipeline's deploy step (developer,
 * plus the environment's own sync role and approval roles), and release
 * records. Refusals say why (403 role, 409 approvals, windows, gate).
 */
export function environmentRoutes(app: FastifyInstance, { store, environments }: AppContext): void {
  app.get('/api/environments', async (request) => {
    await guard(store, request, 'read');
    return environments.list();
  });

  app.get('/api/environments/matrix', async (request) => {
    await guard(store, request, 'read');
    return environments.matrix();
  });

  app.post('/api/environments/:env/services/:service/promote', async (request, reply) => {
    const { user } = await guard(store, request, 'environment.promote');
    const { env, service } = parseInput(target, request.params, 'path');
    return reply.status(201).send(await environments.promote(env, service, parseInput(promoteBody, request.body, 'promotion'), actorOf(user)));
  });

  app.post('/api/environments/:env/services/:service/approvals', async (request, reply) => {
    const { user } = await guard(store, request, 'environment.approve');
    const { env, service } = parseInput(target, request.params, 'path');
    const { comment } = parseInput(approveBody, request.body, 'approval');
    return reply.status(201).send(await environments.approve(env, service, comment, actorOf(user)));
  });

  app.post('/api/environments/:env/services/:service/sync', async (request, reply) => {
    const { user } = await guard(store, request, 'environment.sync');
    const { env, service } = parseInput(target, request.params, 'path');
    const outcome = await environments.sync(env, service, parseInput(syncBody, request.body, 'sync request'), actorOf(user));
    return reply.status(202).send({ ...outcome, ...(outcome.release ? { release: presentRelease(outcome.release) } : {}) });
  });

  app.post('/api/environments/:env/services/:service/rollback', async (request, reply) => {
    const { user } = await guard(store, request, 'environment.rollback');
    const { env, service } = parseInput(target, request.params, 'path');
    const outcome = await environments.rollback(env, service, parseInput(rollbackBody, request.body, 'rollback request'), actorOf(user));
    return reply.status(202).send({ ...outcome, ...(outcome.release ? { release: presentRelease(outcome.release) } : {}) });
  });

  app.post('/api/environments/:env/services/:service/deploy', async (request) => {
    const { user } = await guard(store, request, 'environment.deploy');
    const { env, service } = parseInput(target, request.params, 'path');
    const outcome = await environments.deploy(env, service, parseInput(versionBody, request.body, 'deployment'), actorOf(user));
    return { ...outcome, ...(outcome.release ? { release: presentRelease(outcome.release) } : {}) };
  });

  app.get('/api/releases', async (request) => {
    await guard(store, request, 'read');
    return (await environments.releases(parseInput(releaseQuery, request.query, 'query'))).map(presentRelease);
  });
}
