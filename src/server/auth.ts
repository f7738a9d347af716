import type { FastifyRequest } from 'fastify';
import { authenticate, authorize, type Action, type Principal } from '../access/index.ts';
import type { Store } from '../store/index.ts';

/**
 * Authenticates the request's token and checks that its user may perform
 * `action`; every route calls this first, so no route is open by accident.
 * A refusal is recorded in the audit log (`access.denied`) before it is thrown.
 */
export async function guard(store: Store, request: FastifyRequest, action: Action): Promise<Principal> {
  let principal: Principal | undefined;
  try {
    principal = await authenticate(store, request.headers.authorization);
    authorize(principal.user, action);
  } catch (error) {
    await request.server.auditTrail?.denied(request, action, error, principal?.user.login);
    throw error;
  }
  request.server.auditTrail?.authenticated(request, principal);
  return principal;
}
