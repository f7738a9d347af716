import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ConfigError, UnauthorizedError, NotFoundError, messageOf } from '../../core/index.ts';
import { adapterFor, type WebhookAdapter } from '../../git/index.ts';
import { audited } from '../audit-trail.ts';
import type { AppContext } from '../context.ts';
import { parseInput } from '../input.ts';

const hookParams = z.object({ provider: z.enum(['gitea', 'github', 'gitlab']) });

/**
 * Webhook receivers, one URL per host kind: `/hooks/gitea`, `/hooks/github`,
 * `/hooks/gitlab`. The repository named in the payload must be registered
 * with a webhook secret; the delivery must be signed with it. A redelivery
 * (same delivery id) is answered but starts nothing.
 */
export function hookRoutes(app: FastifyInstance, context: AppContext): void {
  void app.register(async (scope) => {
    // Signatures are over the exact bytes received: keep them.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 25 * 1024 * 1024 }, (_request, body, done) => done(null, body));
    scope.post('/hooks/:provider', async (request, reply) => {
      const { provider } = parseInput(hookParams, request.params, 'webhook path');
      const adapter = adapterFor(provider) as WebhookAdapter;
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const payload = decodePayload(raw, String(request.headers['content-type'] ?? ''));
      const slug = adapter.repository(payload);
      if (!slug) throw new ConfigError(`${provider} webhook payload names no repository`);

      const { store, builds, logger } = context;
      const [namespace = '', name = ''] = [slug.slice(0, slug.lastIndexOf('/')), slug.slice(slug.lastIndexOf('/') + 1)];
      const repo = await store.repos.find(namespace, name);
      if (!repo) throw new NotFoundError(`repository ${slug} is not registered with Trunkline`);
      const { webhookSecret } = repo.hasWebhookSecret ? await store.repos.revealHostSecrets(repo.id) : {};
      if (!webhookSecret) throw new UnauthorizedError(`repository ${slug} has no webhook secret configured; deliveries cannot be verified`);
      if (!adapter.verify(request.headers, raw, webhookSecret)) throw new UnauthorizedError(`the ${provider} webhook signature is missing or does not match`);

      const deliveryId = adapter.deliveryId(request.headers);
      if (deliveryId && !(await store.deliveries.record(provider, deliveryId))) {
        return reply.status(200).send({ ignored: `delivery ${deliveryId} was already received` });
      }
      const parsed = adapter.parse(request.headers, payload);
      if ('ignored' in parsed) return reply.status(200).send({ ignored: parsed.ignored });

      const started: number[] = [];
      for (const event of parsed) {
        try {
          started.push((await builds.fromEvent({ ...event, repo: { ...event.repo, namespace: repo.namespace, name: repo.name } })).number);
        } catch (error) {
          logger.error({ repo: repo.slug, ref: event.ref, err: messageOf(error) }, 'webhook event could not start a build');
          throw error;
        }
      }
      await audited(request, 'build.trigger', { kind: 'repo', id: repo.slug }, { actor: 'system', details: { provider, delivery: deliveryId ?? null, builds: started } });
      void context.configRepos.changed(repo.cloneUrl).catch((error: unknown) => logger.warn({ err: messageOf(error) }, 'config change not handled'));
      return reply.status(202).send({ builds: started });
    });
  });
}

/** JSON, or GitHub's form encoding with the JSON in `payload`. */
function decodePayload(raw: Buffer, contentType: string): unknown {
  const text = raw.toString('utf8');
  const json = contentType.includes('application/x-www-form-urlencoded') ? new URLSearchParams(text).get('payload') : text;
  try {
    return JSON.parse(json ?? '');
  } catch (error) {
    throw new ConfigError(`webhook body is not JSON: ${messageOf(error)}`);
  }
}
