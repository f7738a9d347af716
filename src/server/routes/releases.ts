import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ConfigError } from '../../core/index.ts';
import { ConfigRepositories, setVersion } from '../../gitops/index.ts';
import type { AppContext } from '../context.ts';
import { audited } from '../audit-trail.ts';
import { guard } from '../auth.ts';
import { parseInput } from '../input.ts';
import { reviewOpener } from '../review-opener.ts';

const name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a lower-case DNS label');

const releaseBody = z.object({
  /** Clone URL or path of the config repository, or `namespace/name` on the built-in host; default: the environments' config repository. */
  configRepo: z.string().min(1).optional(),
  branch: z.string().min(1).optional(),
  service: name,
  /** Absent or empty: every environment of environments.yaml that takes this build (trunk, matching tags). */
  environments: z.array(name).optional(),
  /** Review mode: push a branch `trunkline/<service>-<tag>` (and open a pull request where the host allows) instead of the followed branch. */
  review: z.boolean().optional(),
  image: z.object({ tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, 'expected an OCI tag'), repository: z.string().min(1).optional() }),
  chart: z.object({ version: z.string().min(1), repository: z.string().min(1).optional() }).optional(),
  build: z.object({ url: z.string().optional() }).optional(),
  source: z.object({ repo: z.string(), commit: z.string(), branch: z.string().min(1).optional(), tag: z.string().min(1).optional(), build: z.number().int().positive().optional() }).optional(),
});

/**
 * Write-back: a build (or a person) sets a service's version in chosen
 * environments of a config repository — one commit, pushed without force,
 * retried on top of concurrent releases — and the controller is told.
 * Without environments named, the build goes to every environment of
 * `environments.yaml` that takes it.
 */
export function releaseRoutes(app: FastifyInstance, context: AppContext): void {
  const repositories = new ConfigRepositories(context.configRepos.root);
  app.post('/api/releases', async (request, reply) => {
    const { user } = await guard(context.store, request, 'build.trigger');
    const input = parseInput(releaseBody, request.body, 'release');
    if (input.source?.branch) {
      const preview = await context.previews.release({
        repo: input.source.repo,
        branch: input.source.branch,
        commit: input.source.commit,
        service: input.service,
        image: input.image,
        chart: input.chart,
        build: input.build,
        by: user.login,
      });
      if (preview) {
        context.logger.info({ service: input.service, preview: preview.preview, commit: preview.commit, by: user.login }, 'release written to preview');
        await audited(request, 'release.write', { kind: 'service', id: input.service }, { environment: preview.preview, details: { commit: preview.commit ?? null, image: input.image, branch: input.source.branch } });
        return reply.status(preview.changed.length > 0 ? 201 : 200).send(preview);
      }
    }
    if (input.environments === undefined || input.environments.length === 0) {
      if (input.configRepo !== undefined && input.configRepo !== context.environments.configRepo) {
        throw new ConfigError('environments: name them for a config repository other than the environments\' one');
      }
      const outcome = await context.environments.release(input.service, input, { login: user.login, email: user.email, role: user.role });
      context.logger.info({ service: input.service, environments: outcome.environments, commit: outcome.commit, by: user.login }, 'release written');
      for (const environment of outcome.environments) {
        await audited(request, 'release.write', { kind: 'service', id: input.service }, { environment, details: { commit: outcome.commit ?? null, image: input.image, chart: input.chart ?? null, build: input.build ?? null } });
      }
      return reply.status(outcome.changed.length > 0 ? 201 : 200).send(outcome);
    }
    const remote = context.configRepos.resolve(input.configRepo ?? context.environments.configRepo);
    const result = await setVersion({
      repo: repositories.get(remote, { branch: input.branch }),
      service: input.service,
      environments: input.environments,
      image: input.image,
      chart: input.chart,
      build: input.build,
      source: input.source ? { repo: input.source.repo, commit: input.source.commit } : undefined,
      review: input.review ? { opener: await reviewOpener(context.store, input.configRepo ?? context.environments.configRepo) } : undefined,
    });
    context.logger.info({ service: input.service, environments: input.environments, commit: result.commit, by: user.login }, 'release written');
    for (const environment of input.environments) await audited(request, 'release.write', { kind: 'service', id: input.service }, { environment, details: { configRepo: input.configRepo, commit: result.commit ?? null, image: input.image ?? null, chart: input.chart ?? null, build: input.build ?? null } });
    await context.configRepos.changed(remote);
    return reply.status(result.changed.length > 0 ? 201 : 200).send(result);
  });
}
