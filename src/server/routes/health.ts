import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';

export function healthRoutes(app: FastifyInstance, context: AppContext): void {
  app.get('/healthz', async () => {
    await context.store.repos.list(); // the store answers
    return { status: 'ok', version: context.version, leader: context.leadership.leading };
  });
}
