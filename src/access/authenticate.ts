import { UnauthorizedError } from '../core/index.ts';
import type { Store, TokenRecord, UserRecord } from '../store/index.ts';

export interface Principal {
  user: UserRecord;
  token: TokenRecord;
}

/**
 * The token in an `Authorization` header: `Bearer <token>`, or HTTP basic
 * auth with the token as password (what git and registry clients send).
 */
export function tokenFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme = '', value = ''] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer') return value || undefined;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) || undefined : undefined;
  }
  return undefined;
}

export async function authenticate(store: Store, header: string | undefined): Promise<Principal> {
  const token = tokenFromHeader(header);
  if (!token) throw new UnauthorizedError('authentication required: send "Authorization: Bearer <token>"');
  const principal = await store.tokens.authenticate(token);
  if (!principal) throw new UnauthorizedError('the token is unknown, revoked or expired');
  return principal;
}
