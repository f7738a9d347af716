import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../access/index.ts';
import type { AuditEvent, AuditLog } from '../audit/index.ts';
import { isTrunklineError, messageOf, type Logger } from '../core/index.ts';
import type { AuditTarget } from '../store/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The audit log of this server, reachable from any route scope; absent in bare apps of tests (nothing is recorded). */
    auditTrail?: AuditTrail;
  }
}

/** Who made each request (set by `guard`) and whether it has been recorded. */
const principals = new WeakMap<FastifyRequest, Principal>();
const recorded = new WeakSet<FastifyRequest>();
/** Domain entries to record once the request has succeeded. */
const pending = new WeakMap<FastifyRequest, Omit<AuditEvent, 'actor'>>();

const reading = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Records requests in the audit log: explicit domain entries from routes
 * (`audited`), refusals (`denied`, called by `guard`), and — in an `onSend`
 * hook, so the entry is stored before the client sees the answer — every
 * other successful mutating API call and every other 401/403.
 */
export class AuditTrail {
  readonly log: AuditLog;
  readonly #logger: Logger;

  constructor(log: AuditLog, logger: Logger) {
    this.log = log;
    this.#logger = logger;
  }

  /** Decorates the app and adds the hook; call before registering routes. */
  install(app: FastifyInstance): void {
    app.decorate('auditTrail', this as AuditTrail);
    app.addHook('onSend', async (request, reply, payload) => {
      await this.#fallback(request, reply, payload);
      return payload;
    });
  }

  /** Remembers the caller `guard` authenticated, as the actor of what follows. */
  authenticated(request: FastifyRequest, principal: Principal): void {
    principals.set(request, principal);
  }

  /** A domain action the route performed for its caller. */
  async record(request: FastifyRequest, event: Omit<AuditEvent, 'actor'> & { actor?: string }): Promise<void> {
    recorded.add(request);
    await this.#write({ ...event, actor: event.actor ?? actorOf(request), details: { ...event.details, route: routeOf(request) } });
  }

  /**
   * A refused request: every refusal for lack of a role, and failed
   * authentication on mutating calls (reads retry with credentials
   * after a challenge, as git and registry clients do).
   */
  async denied(request: FastifyRequest, action: string, error: unknown, login?: string): Promise<void> {
    if (!isTrunklineError(error)) return;
    if (error.code !== 'forbidden' && !(error.code === 'unauthorized' && !reading.has(request.method))) return;
    recorded.add(request);
    await this.#write(deniedEvent(request, action, login ?? 'anonymous', error.code === 'forbidden' ? 403 : 401, error.message));
  }

  /** A domain action recorded when the answer is a success (2xx/3xx), before it is sent. */
  onSuccess(request: FastifyRequest, event: Omit<AuditEvent, 'actor'>): void {
    pending.set(request, event);
  }

  async #fallback(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> {
    if (recorded.has(request)) return;
    const status = reply.statusCode;
    const route = routeOf(request);
    const domain = pending.get(request);
    if (domain && status < 400) {
      await this.record(request, { ...domain, details: { ...domain.details, status } });
    } else if (status === 403 || (status === 401 && !reading.has(request.method))) {
      await this.#write(deniedEvent(request, route, actorOf(request), status, messageIn(payload)));
    } else if (status < 400 && !reading.has(request.method) && request.url.startsWith('/api/') && !request.url.startsWith('/api/runner/')) {
      // Runners' own protocol (claims, heartbeats, log lines) is machine chatter; the builds it serves are recorded.
      await this.#write({ actor: actorOf(request), action: 'api.call', target: { kind: 'route', id: route }, details: { path: pathOf(request), status } });
    }
  }

  async #write(event: AuditEvent): Promise<void> {
    try {
      await this.log.record(event);
    } catch (error) {
      // The request itself went through; losing its record must be loud.
      this.#logger.error({ err: messageOf(error), action: event.action, actor: event.actor }, 'audit entry could not be recorded');
    }
  }
}

/** One line in a route, once the action is known: recorded for the caller if the request succeeds. */
export function auditOnSuccess(request: FastifyRequest, action: string, target: AuditTarget, extra: { environment?: string; details?: Record<string, unknown> } = {}): void {
  request.server.auditTrail?.onSuccess(request, { action, target, ...extra });
}

/** One line in a route, after the action succeeded: records it for the request's caller. */
export async function audited(
  request: FastifyRequest,
  action: string,
  target: AuditTarget,
  extra: { actor?: string; environment?: string; details?: Record<string, unknown> } = {},
): Promise<void> {
  await request.server.auditTrail?.record(request, { action, target, ...extra });
}

function deniedEvent(request: FastifyRequest, action: string, actor: string, status: number, reason: string | undefined): AuditEvent {
  return {
    actor,
    action: 'access.denied',
    target: { kind: 'route', id: routeOf(request) },
    outcome: 'denied',
    details: { action, path: pathOf(request), status, ...(reason ? { reason } : {}), ip: request.ip },
  };
}

function actorOf(request: FastifyRequest): string {
  return principals.get(request)?.user.login ?? 'anonymous';
}

function routeOf(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? pathOf(request)}`;
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? request.url;
}

function messageIn(payload: unknown): string | undefined {
  if (typeof payload !== 'string') return undefined;
  try {
    const body = JSON.parse(payload) as { message?: unknown; errors?: { message?: unknown }[] };
    const message = body.message ?? body.errors?.[0]?.message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}
