import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RemoteRunner } from '../../builds/index.ts';
import { UnauthorizedError } from '../../core/index.ts';
import type { RunnerRecord, Store } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { guard } from '../auth.ts';
import { parseInput } from '../input.ts';

const runnerName = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/, 'expected a name of lower-case letters, digits, "-" and "."');
const labelValue = z.string().max(253);
const claimBody = z.strictObject({
  types: z.array(z.string().min(1)).min(1),
  os: z.string().min(1),
  arch: z.string().min(1),
  labels: z.record(z.string().min(1), labelValue).default({}),
  version: z.string().max(64).optional(),
  /** Long-poll limit. */
  waitSeconds: z.number().min(0).max(55).default(25),
});
const jobPath = z.object({ job: z.string().min(1) });
const stepPath = z.object({ job: z.string().min(1), step: z.string().min(1) });
const logLines = z.strictObject({ lines: z.array(z.strictObject({ pos: z.number().int().min(0), time: z.number(), out: z.string() })).max(5000) });
const stepResult = z.strictObject({
  status: z.enum(['success', 'failure', 'killed', 'error', 'skipped']),
  exitCode: z.number().int().optional(),
  error: z.string().optional(),
  startedAt: z.number().optional(),
  finishedAt: z.number(),
  reason: z.string().optional(),
});
const stageResult = z.strictObject({ status: z.enum(['success', 'failure', 'killed', 'error']), error: z.string().optional(), broken: z.boolean().optional() });

/**
 * Remote runners. Admins register them (each gets its own token); a runner
 * then long-polls for work and reports on it, every call checked against the
 * stage lease it holds (see `builds/remote.ts`).
 */
export function runnerRoutes(app: FastifyInstance, { store, builds }: AppContext): void {
  app.get('/api/runners', async (request) => {
    await guard(store, request, 'runner.manage');
    return store.runners.list();
  });

  app.post('/api/runners', async (request, reply) => {
    await guard(store, request, 'runner.manage');
    const { name } = parseInput(z.strictObject({ name: runnerName }), request.body, 'runner');
    return reply.status(201).send(await store.runners.create(name));
  });

  app.delete('/api/runners/:name', async (request, reply) => {
    await guard(store, request, 'runner.manage');
    await store.runners.delete(parseInput(z.object({ name: runnerName }), request.params, 'runner path').name);
    return reply.status(204).send();
  });

  app.post('/api/runner/claim', async (request, reply) => {
    const record = await runnerOf(store, request);
    const body = parseInput(claimBody, request.body, 'claim');
    await store.runners.seen(record.id, { labels: body.labels, version: body.version });
    // The poll ends early when the runner hangs up, so no stage is leased to a closed connection.
    // (The response's 'close', not the request's: that one fires as soon as the body has been read.)
    const gone = new AbortController();
    reply.raw.on('close', () => gone.abort());
    const assignment = await builds.remote.claim({ name: record.name, types: body.types, os: body.os, arch: body.arch, labels: body.labels }, body.waitSeconds * 1000, gone.signal);
    return assignment ? assignment : reply.status(204).send();
  });

  app.post('/api/runner/jobs/:job/heartbeat', async (request) => {
    const runner = remote(await runnerOf(store, request));
    return builds.remote.heartbeat(runner, parseInput(jobPath, request.params, 'job path').job);
  });

  app.post('/api/runner/jobs/:job/steps/:step/started', async (request, reply) => {
    const runner = remote(await runnerOf(store, request));
    const { job, step } = parseInput(stepPath, request.params, 'step path');
    await builds.remote.stepStarted(runner, job, step, parseInput(z.strictObject({ at: z.number() }), request.body, 'step start').at);
    return reply.status(204).send();
  });

  app.post('/api/runner/jobs/:job/steps/:step/logs', async (request, reply) => {
    const runner = remote(await runnerOf(store, request));
    const { job, step } = parseInput(stepPath, request.params, 'step path');
    await builds.remote.stepLog(runner, job, step, parseInput(logLines, request.body, 'log lines').lines);
    return reply.status(204).send();
  });

  app.post('/api/runner/jobs/:job/steps/:step/finished', async (request, reply) => {
    const runner = remote(await runnerOf(store, request));
    const { job, step } = parseInput(stepPath, request.params, 'step path');
    await builds.remote.stepFinished(runner, job, step, parseInput(stepResult, request.body, 'step result'));
    return reply.status(204).send();
  });

  app.post('/api/runner/jobs/:job/complete', async (request, reply) => {
    const runner = remote(await runnerOf(store, request));
    await builds.remote.complete(runner, parseInput(jobPath, request.params, 'job path').job, parseInput(stageResult, request.body, 'stage result'));
    return reply.status(204).send();
  });
}

async function runnerOf(store: Store, request: FastifyRequest): Promise<RunnerRecord> {
  const header = request.headers.authorization ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const runner = token ? await store.runners.authenticate(token) : undefined;
  if (!runner) throw new UnauthorizedError('expected a runner token (Authorization: Bearer …); an admin creates one with `trunkline runners add NAME`');
  return runner;
}

/** After the claim, a runner is known by its name: the lease names it. */
function remote(record: RunnerRecord): RemoteRunner {
  return { name: record.name, types: [] };
}
