import { createHash, type Hash } from 'node:crypto';
import { ConfigError } from '../../../core/index.ts';
import { digestPattern } from './names.ts';

/** `sha256:<hex>` of some bytes (or in the algorithm of `like`, a digest to compare with). */
export function digestOf(bytes: Uint8Array, like = 'sha256:'): string {
  const algorithm = algorithmOf(like);
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** The hash algorithm named by a digest; sha256 unless it says sha512. */
export function algorithmOf(digest: string): 'sha256' | 'sha512' {
  return digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}

export function hasherFor(digest: string): Hash {
  return createHash(algorithmOf(digest));
}

/** Refuses a malformed digest argument before anything is sent. */
export function checkDigest(digest: string): void {
  if (!digestPattern.test(digest)) {
    throw new ConfigError(`invalid digest "${digest}" (expected sha256:<64 hex> or sha512:<128 hex>)`, { digest });
  }
}

export function isDigest(reference: string): boolean {
  return digestPattern.test(reference);
}
