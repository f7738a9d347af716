import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseTimeBound } from '../../audit/index.ts';
import type { AppContext } from '../context.ts';
import { guard } from '../auth.ts';
import { parseInput } from '../input.ts';

const range = z.object({ since: z.string().min(1).optional(), until: z.string().min(1).optional() });
const listQuery = range.extend({
  actor: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  environment: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  after: z.string().regex(/^\d+$/, 'expected the "next" cursor of a previous page').optional(),
  order: z.enum(['asc', 'desc']).optional(),
});

/** Times as people give them (ISO, epoch ms, or an age such as 24h) → epoch ms. */
function timeRange(input: z.infer<typeof range>, now: number): { since?: number; until?: number } {
  return {
    ...(input.since ? { since: parseTimeBound(input.since, now, 'since') } : {}),
    ...(input.until ? { until: parseTimeBound(input.until, now, 'until') } : {}),
  };
}

/** The audit log, for release managers and admins: list, verify the chain, export as JSON lines. */
export function auditRoutes(app: FastifyInstance, { store, audit }: AppContext): void {
  app.get('/api/audit', async (request) => {
    await guard(store, request, 'audit.read');
    const { since, until, ...query } = parseInput(listQuery, request.query, 'audit query');
    return audit.list({ ...query, ...timeRange({ since, until }, Date.now()) });
  });

  app.get('/api/audit/verify', async (request) => {
    await guard(store, request, 'audit.read');
    return audit.verify();
  });

  app.get('/api/audit/export', async (request, reply) => {
    await guard(store, request, 'audit.read');
    const bounds = timeRange(parseInput(range, request.query, 'export query'), Date.now());
    return reply.type('application/x-ndjson').send(Readable.from(audit.export(bounds)));
  });
}
