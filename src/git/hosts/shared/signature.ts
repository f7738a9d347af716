import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** Whether two byte strings are equal, in time independent of where they differ; false when the lengths differ. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether `signatureHex` is the hex HMAC-SHA256 of `rawBody` under
 * `secret`. An empty secret authenticates nothing.
 */
export function verifyHmacSha256(signatureHex: string | undefined, rawBody: Buffer, secret: string): boolean {
  if (secret === '' || signatureHex === undefined || !HEX_SHA256.test(signatureHex)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return safeEqual(Buffer.from(signatureHex, 'hex'), expected);
}

/** Whether a shared token sent as is (GitLab's `X-Gitlab-Token`) equals the secret. */
export function verifyToken(token: string | undefined, secret: string): boolean {
  if (secret === '' || token === undefined) return false;
  return safeEqual(Buffer.from(token, 'utf8'), Buffer.from(secret, 'utf8'));
}
