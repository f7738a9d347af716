import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { guard } from '../auth.ts';
import { parseInput } from '../input.ts';

const named = z.object({ name: z.string().min(1).max(63) });
const deliveryQuery = z.object({ target: z.string().min(1).max(63).optional(), limit: z.coerce.number().int().min(1).max(500).optional() });

/**
 * Notification targets and their deliveries. Everything needs
 * `notify.manage` (admin), reading included: target settings say where
 * events go. Secret settings (webhook URLs, bot tokens, signing secrets)
 * are write-only.
 */
export function notificationRoutes(app: FastifyInstance, { store, notifier, server }: AppContext): void {
  app.get('/api/notifications/targets', async (request) => {
    await guard(store, request, 'notify.manage');
    return notifier.targets.list();
  });

  app.post('/api/notifications/targets', async (request, reply) => {
    await guard(store, request, 'notify.manage');
    return reply.status(201).send(await notifier.targets.create(request.body));
  });

  app.get('/api/notifications/targets/:name', async (request) => {
    await guard(store, request, 'notify.manage');
    return notifier.targets.get(parseInput(named, request.params, 'target path').name);
  });

  app.patch('/api/notifications/targets/:name', async (request) => {
    await guard(store, request, 'notify.manage');
    return notifier.targets.update(parseInput(named, request.params, 'target path').name, request.body);
  });

  app.delete('/api/notifications/targets/:name', async (request, reply) => {
    await guard(store, request, 'notify.manage');
    await notifier.targets.delete(parseInput(named, request.params, 'target path').name);
    return reply.status(204).send();
  });

  app.post('/api/notifications/targets/:name/test', async (request) => {
    await guard(store, request, 'notify.manage');
    return notifier.test(parseInput(named, request.params, 'target path').name, server.url || undefined);
  });

  app.get('/api/notifications/deliveries', async (request) => {
    await guard(store, request, 'notify.manage');
    return notifier.deliveries(parseInput(deliveryQuery, request.query, 'query'));
  });
}
