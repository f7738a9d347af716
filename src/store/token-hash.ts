import { createHash, timingSafeEqual } from 'node:crypto';
import { newSecret } from '../core/index.ts';

/** Prefix of API tokens, so that leaked tokens are recognisable by scanners. */
export const TOKEN_PREFIX = 'tl_';

export function generateToken(): string {
  return TOKEN_PREFIX + newSecret(32);
}

/** Tokens are stored as their SHA-256 (hex): high-entropy secrets need no slow hash. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
