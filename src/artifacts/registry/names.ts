import { RegistryError } from './errors.ts';

// distribution-spec: repository names, tags and digests.
const repositoryPattern = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const sha256Pattern = /^sha256:[a-f0-9]{64}$/;
const digestGrammar = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Longest repository name accepted (distribution's limit with the host). */
export const maxRepositoryLength = 255;

export function isRepositoryName(name: string): boolean {
  return name.length <= maxRepositoryLength && repositoryPattern.test(name);
}

export function assertRepositoryName(name: string): void {
  if (!isRepositoryName(name)) throw new RegistryError('NAME_INVALID', `invalid repository name "${name}"`, { detail: { name } });
}

export function isTag(reference: string): boolean {
  return tagPattern.test(reference);
}

export function isDigest(reference: string): boolean {
  return digestGrammar.test(reference);
}

/** The hex part of a sha256 digest; other algorithms are refused. */
export function digestHex(digest: string): string {
  if (sha256Pattern.test(digest)) return digest.slice('sha256:'.length);
  if (digestGrammar.test(digest) && !digest.startsWith('sha256:')) throw new RegistryError('UNSUPPORTED', `digest algorithm of "${digest}" is not supported; use sha256`, { status: 400, detail: { digest } });
  throw new RegistryError('DIGEST_INVALID', `invalid digest "${digest}"`, { detail: { digest } });
}
