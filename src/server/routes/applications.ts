import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { auditOnSuccess, audited } from '../audit-trail.ts';
import { guard } from '../auth.ts';
import { parseInput } from '../input.ts';

const named = z.object({ name: z.string().min(1).max(63) });
const page = z.object({ limit: z.coerce.number().int().min(1).max(200).optional(), before: z.coerce.number().int().min(1).optional() });
const predictionQuery = z.strictObject({ force: z.enum(['true', 'false']).transform((v) => v === 'true').optional() });

/**
 * Clusters and GitOps applications. Reading needs `read`; defining clusters
 * and applications needs `repo.update` (admin); syncing and rolling back
 * need `build.trigger` (a deployment, like a build) and, for an
 * application of an environment, that environment's gates. Kubeconfigs are
 * write-only: no answer ever contains one.
 */
export function applicationRoutes(app: FastifyInstance, { store, applications, environments }: AppContext): void {
  app.get('/api/clusters', async (request) => {
    await guard(store, request, 'read');
    return applications.listClusters();
  });

  app.get('/api/clusters/:name', async (request) => {
    await guard(store, request, 'read');
    return applications.getCluster(parseInput(named, request.params, 'cluster path').name);
  });

  app.post('/api/clusters', async (request, reply) => {
    await guard(store, request, 'repo.update');
    const cluster = await applications.createCluster(request.body);
    await audited(request, 'cluster.create', { kind: 'cluster', id: cluster.name });
    return reply.status(201).send(cluster);
  });

  app.patch('/api/clusters/:name', async (request) => {
    await guard(store, request, 'repo.update');
    auditOnSuccess(request, 'cluster.update', { kind: 'cluster', id: parseInput(named, request.params, 'cluster path').name });
    return applications.updateCluster(parseInput(named, request.params, 'cluster path').name, request.body);
  });

  app.delete('/api/clusters/:name', async (request, reply) => {
    await guard(store, request, 'repo.update');
    auditOnSuccess(request, 'cluster.delete', { kind: 'cluster', id: parseInput(named, request.params, 'cluster path').name });
    await applications.deleteCluster(parseInput(named, request.params, 'cluster path').name);
    return reply.status(204).send();
  });

  app.get('/api/applications', async (request) => {
    await guard(store, request, 'read');
    return applications.list();
  });

  app.get('/api/applications/:name', async (request) => {
    await guard(store, request, 'read');
    return applications.get(parseInput(named, request.params, 'application path').name);
  });

  app.post('/api/applications', async (request, reply) => {
    await guard(store, request, 'repo.update');
    const created = await applications.create(request.body);
    await audited(request, 'application.create', { kind: 'application', id: created.name }, { ...(created.environment ? { environment: created.environment } : {}) });
    return reply.status(201).send(created);
  });

  app.patch('/api/applications/:name', async (request) => {
    await guard(store, request, 'repo.update');
    auditOnSuccess(request, 'application.update', { kind: 'application', id: parseInput(named, request.params, 'application path').name });
    return applications.update(parseInput(named, request.params, 'application path').name, request.body);
  });

  app.delete('/api/applications/:name', async (request, reply) => {
    await guard(store, request, 'repo.update');
    auditOnSuccess(request, 'application.delete', { kind: 'application', id: parseInput(named, request.params, 'application path').name });
    await applications.delete(parseInput(named, request.params, 'application path').name);
    return reply.status(204).send();
  });

  // Read-only for the cluster (dry runs), but one API request per object: only on request.
  app.get('/api/applications/:name/prediction', async (request) => {
    await guard(store, request, 'read');
    const { name } = parseInput(named, request.params, 'application path');
    const { force } = parseInput(predictionQuery, request.query, 'query');
    return applications.predict(name, { force });
  });

  app.get('/api/applications/:name/syncs', async (request) => {
    await guard(store, request, 'read');
    const { name } = parseInput(named, request.params, 'application path');
    return applications.syncs(name, parseInput(page, request.query, 'query'));
  });

  app.post('/api/applications/:name/sync', async (request, reply) => {
    const principal = await guard(store, request, 'build.trigger');
    const { name } = parseInput(named, request.params, 'application path');
    // An application of an environment passes the environment's gates: production cannot be synced around them.
    await environments.checkApplication(name, 'sync', principal.user);
    auditOnSuccess(request, 'sync.request', { kind: 'application', id: name }, { details: { request: request.body ?? {} } });
    return reply.status(202).send(await applications.sync(name, request.body, principal.user.login));
  });

  app.post('/api/applications/:name/rollback', async (request, reply) => {
    const principal = await guard(store, request, 'build.trigger');
    const { name } = parseInput(named, request.params, 'application path');
    await environments.checkApplication(name, 'rollback', principal.user);
    auditOnSuccess(request, 'rollback.request', { kind: 'application', id: name }, { details: { request: request.body ?? {} } });
    return reply.status(202).send(await applications.rollback(name, request.body, principal.user.login));
  });
}
