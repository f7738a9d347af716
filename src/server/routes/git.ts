import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { isTrunklineError, messageOf } from '../../core/index.ts';
import { GitHost, refUpdateEvents, type RefUpdate } from '../../git/index.ts';
import type { RepoRecord } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { audited } from '../audit-trail.ts';
import { guard } from '../auth.ts';
import { parseInput } from '../input.ts';

const gitParams = z.object({
  namespace: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  repo: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
});

/**
 * The built-in git host over smart HTTP at `/git/<namespace>/<name>.git`:
 * clone and fetch (public repositories anonymously, others with a token),
 * push with a developer's token as the basic-auth password. Every ref a
 * push updates becomes a build before `git push` returns.
 */
export function gitRoutes(app: FastifyInstance, context: AppContext): void {
  void app.register(async (scope) => {
    // Bodies are streamed to git as they arrive, never parsed or buffered.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.get('/git/:namespace/:repo/info/refs', (request, reply) => serve(context, request, reply, '/info/refs'));
    scope.post('/git/:namespace/:repo/git-upload-pack', (request, reply) => serve(context, request, reply, '/git-upload-pack'));
    scope.post('/git/:namespace/:repo/git-receive-pack', (request, reply) => serve(context, request, reply, '/git-receive-pack'));
  });
}

async function serve(context: AppContext, request: FastifyRequest, reply: FastifyReply, rest: string): Promise<void> {
  const { store, gitHost, logger } = context;
  const params = parseInput(gitParams, request.params, 'repository path');
  const name = params.repo.replace(/\.git$/, '');
  const repo = await store.repos.find(params.namespace, name);
  if (!repo || repo.provider !== 'builtin') {
    void reply.status(404).type('text/plain').send(`repository ${params.namespace}/${name} is not hosted here\n`);
    return;
  }
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
  const service = GitHost.serviceOf({ rest, query });
  let login: string | undefined;
  if (service === 'receive-pack' || repo.visibility !== 'public' || request.headers.authorization) {
    try {
      const { user } = await guard(store, request, service === 'receive-pack' ? 'git.push' : 'read');
      login = user.login;
    } catch (error) {
      if (!isTrunklineError(error) || (error.code !== 'unauthorized' && error.code !== 'forbidden')) throw error;
      // git asks for credentials on a 401 with a basic challenge.
      const status = error.code === 'unauthorized' ? 401 : 403;
      void reply
        .status(status)
        .header('www-authenticate', 'Basic realm="Trunkline", charset="UTF-8"')
        .type('text/plain')
        .send(`${error.message}\n`);
      return;
    }
  }

  reply.hijack();
  try {
    const updates = await gitHost.serve(
      {
        namespace: repo.namespace,
        name: repo.name,
        rest,
        method: request.method,
        query,
        headers: request.headers,
        body: request.method === 'POST' ? (request.body as Readable) : undefined,
        user: login,
        remoteAddr: request.ip,
      },
      reply.raw,
    );
    if (updates.length > 0) {
      await audited(request, 'git.push', { kind: 'repo', id: repo.slug }, { details: { refs: updates } });
      await buildPush(context, repo, updates, login ?? 'unknown');
      // The repository may be an application's config repository: reconcile at once.
      void context.configRepos.changed(repo.slug).catch((error: unknown) => logger.warn({ err: messageOf(error) }, 'config change not handled'));
    }
  } catch (error) {
    logger.error({ err: messageOf(error), repo: repo.slug }, 'git request failed');
    if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'text/plain' });
  } finally {
    reply.raw.end();
  }
}

/** One build per updated ref, in git's order; a ref that builds nothing is logged with the reason. */
async function buildPush(context: AppContext, repo: RepoRecord, updates: readonly RefUpdate[], sender: string): Promise<void> {
  const events = await refUpdateEvents(
    repo.cloneUrl,
    { namespace: repo.namespace, name: repo.name, cloneUrl: repo.cloneUrl, defaultBranch: repo.defaultBranch, private: repo.visibility !== 'public' },
    updates,
    sender,
  );
  for (const event of events) {
    if ('ignored' in event) {
      context.logger.info({ repo: repo.slug, ref: event.ref, reason: event.ignored }, 'ref update starts no build');
      continue;
    }
    try {
      await context.builds.fromEvent(event);
    } catch (error) {
      context.logger.error({ repo: repo.slug, ref: event.ref, err: messageOf(error) }, 'push could not start a build');
    }
  }
}
