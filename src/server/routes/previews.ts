import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { guard } from '../auth.ts';
import { parseInput } from '../input.ts';

const params = z.object({ name: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a preview name (a DNS label)') });

/** Preview environments of branches: listed for everyone, torn down by hand by developers. */
export function previewRoutes(app: FastifyInstance, context: AppContext): void {
  app.get('/api/previews', async (request) => {
    await guard(context.store, request, 'read');
    return context.previews.list();
  });

  app.delete('/api/previews/:name', async (request, reply) => {
    const { user } = await guard(context.store, request, 'preview.delete');
    const { name } = parseInput(params, request.params, 'preview');
    await context.previews.remove(name, user.login);
    return reply.status(204).send();
  });
}
