import { randomBytes, randomUUID } from 'node:crypto';

/** A random, URL-safe identifier. */
export function newId(): string {
  return randomUUID();
}

/** A random secret of `bytes` bytes, base64url encoded (tokens, keys). */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
