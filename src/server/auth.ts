import type { FastifyRequest } from 'fastify';
import { authenticate, authorize, type Action, type Principal } from '../access/index.ts';
import type { Store } from '../store/index.ts';

/**
 * Authenticates the request's token and checks that its user may perform
 * `action`; every route calls this first, so no route is open by accident.
 */
export async function guard(store: Store, request: FastifyRequest, action: Action): Promise<Principal> {
  const principal = await authenticate(store, request.headers.authorization);
  authorize(principal.user, action);
  return principal;
}
