import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';

/** Where `vite build` puts the web UI (`npm run ui:build`). */
export const uiDist = fileURLToPath(new URL('../../../ui/dist/', import.meta.url));

/** Paths the UI never answers, even when no route of theirs matches: they 404 as JSON. */
const reserved = /^\/(api|git|v2|hooks|healthz|metrics)(\/|$|\?)/;

/**
 * The single-page web UI: hashed assets under `/assets/` (cached for good)
 * and `index.html` for every other GET that no API route answers, so deep
 * links work. Without a built UI the server still runs; pages say how to build it.
 */
export function uiRoutes(app: FastifyInstance, { logger }: AppContext, dist: string = uiDist): void {
  if (!existsSync(`${dist}index.html`)) logger.warn({ dist }, 'web UI not built: run npm run ui:build');
  void app.register(fastifyStatic, {
    root: `${dist}assets`,
    prefix: '/assets/',
    immutable: true,
    maxAge: '365d',
  });

  app.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (reserved.test(path)) {
      return reply.status(404).send({ error: 'not_found', message: `no route ${request.method} ${path}` });
    }
    if (!existsSync(`${dist}index.html`)) {
      return reply.status(503).type('text/plain').send('The web UI is not built: run `npm run ui:build` (or `npm ci`), then reload.\n');
    }
    // Never cached, so a new build's asset names are picked up at once.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dist, { cacheControl: false });
  });
}
