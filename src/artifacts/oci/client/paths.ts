import { ConfigError } from '../../../core/index.ts';
import { checkDigest } from './digest.ts';
import { repositoryPattern, tagPattern } from './names.ts';

/** Refuses a malformed repository argument before anything is sent. */
export function checkRepository(repository: string): void {
  if (!repositoryPattern.test(repository)) {
    throw new ConfigError(`invalid repository name "${repository}" (lowercase letters and digits, separated by '.', '_', '__', '-' or '/')`, { repository });
  }
}

/** A manifest reference is a tag or a digest. */
export function checkManifestReference(reference: string): void {
  if (reference.includes(':')) checkDigest(reference);
  else if (!tagPattern.test(reference)) throw new ConfigError(`invalid tag "${reference}"`, { reference });
}

export function blobPath(repository: string, digest: string): string {
  checkRepository(repository);
  checkDigest(digest);
  return `/v2/${repository}/blobs/${digest}`;
}

export function manifestPath(repository: string, reference: string): string {
  checkRepository(repository);
  checkManifestReference(reference);
  return `/v2/${repository}/manifests/${reference}`;
}
