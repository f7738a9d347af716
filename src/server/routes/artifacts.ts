import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../../core/index.ts';
import type { AppContext } from '../context.ts';
import { guard } from '../auth.ts';
import { parseInput } from '../input.ts';
import { buildParams } from './builds.ts';
import { slugOf } from './repos.ts';

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected a digest sha256:<64 hex>');

const artifactBody = z.object({
  kind: z.enum(['image', 'chart']),
  reference: z.string().min(1).max(512),
  digest,
  tags: z.array(z.string().min(1).max(128)).max(100),
  mediaType: z.string().min(1),
  size: z.number().int().nonnegative(),
});

const verdictBody = z.object({
  digest,
  passed: z.boolean(),
  summary: z.string().max(1_000_000),
  counts: z.record(z.string(), z.number().int().nonnegative()),
  policy: z.string().max(1_000_000),
  reportDigest: digest.optional(),
});

/**
 * What builds produced: images and charts recorded by the steps that
 * pushed them (with the stage token), and vulnerability verdicts per image
 * digest, which later deployments consult.
 */
export function artifactRoutes(app: FastifyInstance, { store, builds }: AppContext): void {
  app.get('/api/repos/:namespace/:name/builds/:number/artifacts', async (request) => {
    await guard(store, request, 'read');
    const { number } = parseInput(buildParams, request.params, 'build path');
    return store.artifacts.listByBuild((await builds.get(slugOf(request.params), number)).id);
  });

  app.post('/api/repos/:namespace/:name/builds/:number/artifacts', async (request, reply) => {
    await guard(store, request, 'build.trigger');
    const { number } = parseInput(buildParams, request.params, 'build path');
    const build = await builds.get(slugOf(request.params), number);
    const input = parseInput(artifactBody, request.body, 'artifact');
    return reply.status(201).send(await store.artifacts.record({ ...input, buildId: build.id }));
  });

  app.get('/api/verdicts/:digest', async (request) => {
    await guard(store, request, 'read');
    const params = parseInput(z.object({ digest }), request.params, 'verdict path');
    const verdict = await store.verdicts.latest(params.digest);
    if (!verdict) throw new NotFoundError(`no verdict for ${params.digest}`);
    return verdict;
  });

  app.post('/api/verdicts', async (request, reply) => {
    await guard(store, request, 'build.trigger');
    return reply.status(201).send(await store.verdicts.record(parseInput(verdictBody, request.body, 'verdict')));
  });
}
