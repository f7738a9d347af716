import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { NotFoundError, UnauthorizedError } from '../../core/index.ts';
import { computeDora, contextStart } from '../../metrics/index.ts';
import { guard } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { parseInput } from '../input.ts';

const doraQuery = z.object({
  service: z.string().min(1).optional(),
  environment: z.string().min(1).optional(),
  days: z.coerce
    .number()
    .pipe(z.union([z.literal(7), z.literal(30), z.literal(90)], { error: 'expected 7, 30 or 90' }))
    .default(30),
});

/**
 * `GET /metrics`: the Prometheus text exposition, open like most exporters
 * unless `TRUNKLINE_METRICS_TOKEN` asks for a bearer token, and absent when
 * `TRUNKLINE_METRICS=off`. `GET /api/metrics/dora`: DORA's keys and a daily
 * series for the UI (`read`).
 */
export function metricsRoutes(app: FastifyInstance, { store, metrics }: AppContext): void {
  app.get('/metrics', async (request, reply) => {
    if (!metrics.exporter.enabled) throw new NotFoundError('the metrics exporter is off (TRUNKLINE_METRICS=off)');
    if (metrics.exporter.token !== undefined) checkToken(request, metrics.exporter.token);
    const text = await metrics.prometheus.render();
    return reply.header('content-type', metrics.prometheus.contentType).send(text);
  });

  app.get('/api/metrics/dora', async (request) => {
    await guard(store, request, 'read');
    const { service, environment, days } = parseInput(doraQuery, request.query, 'DORA query');
    const now = metrics.now();
    const records = await metrics.history.list({ since: contextStart({ days, now }), service, environment });
    return computeDora(records, { service, environment, days, now });
  });
}

function checkToken(request: FastifyRequest, token: string): void {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new UnauthorizedError('the metrics endpoint needs Authorization: Bearer <TRUNKLINE_METRICS_TOKEN>');
  }
}
