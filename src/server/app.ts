import Fastify, { type FastifyInstance } from 'fastify';
import { AuditTrail } from './audit-trail.ts';
import type { AppContext } from './context.ts';
import { errorHandler } from './errors.ts';
import { environmentRoutes } from './routes/environments.ts';
import { applicationRoutes } from './routes/applications.ts';
import { artifactRoutes } from './routes/artifacts.ts';
import { auditRoutes } from './routes/audit.ts';
import { buildRoutes } from './routes/builds.ts';
import { gitRoutes } from './routes/git.ts';
import { healthRoutes } from './routes/health.ts';
import { hookRoutes } from './routes/hooks.ts';
import { logRoutes } from './routes/logs.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { previewRoutes } from './routes/previews.ts';
import { registryRoutes } from './routes/registry.ts';
import { releaseRoutes } from './routes/releases.ts';
import { repoRoutes } from './routes/repos.ts';
import { runnerRoutes } from './routes/runners.ts';
import { secretRoutes } from './routes/secrets.ts';
import { uiRoutes } from './routes/ui.ts';
import { userRoutes } from './routes/user.ts';

/** The HTTP API: thin routes over the services in `context`. */
export function createApp(context: AppContext): FastifyInstance {
  // Errors are logged by the error handler with our logger; requests are not logged one by one.
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  app.setErrorHandler(errorHandler(context.logger));
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
  new AuditTrail(context.audit, context.logger).install(app);
  for (const routes of [healthRoutes, repoRoutes, secretRoutes, buildRoutes, logRoutes, userRoutes, gitRoutes, hookRoutes, registryRoutes, artifactRoutes, applicationRoutes, releaseRoutes, runnerRoutes, notificationRoutes, metricsRoutes, previewRoutes, environmentRoutes, uiRoutes]) {
    routes(app, context);
  }
  auditRoutes(app, context);
  return app;
}
