import { ConfigError } from '../../../core/index.ts';
import type { ImageReference } from '../types.ts';
import { digestPattern, maxNameLength, registryPattern, repositoryPattern, tagPattern } from './names.ts';

const dockerHub = 'docker.io';

/**
 * Parses an image reference with Docker's normalisation: `alpine` is
 * `docker.io/library/alpine:latest`, a first path component is a registry
 * only when it has a `.` or `:`, is `localhost`, or has uppercase letters.
 * A reference with neither tag nor digest gets the tag `latest`.
 */
export function parseReference(text: string): ImageReference {
  const input = text.trim();
  if (input === '') throw new ConfigError('image reference is empty');
  const fail = (what: string): never => {
    throw new ConfigError(`image reference "${text}": ${what}`, { reference: text });
  };

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) fail(`invalid digest "${digest}" (expected sha256:<64 hex> or sha512:<128 hex>)`);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) fail(`invalid tag "${tag}" (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-')`);
  }

  let registry = dockerHub;
  let repository = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase()) {
      registry = first;
      repository = rest.slice(slash + 1);
    }
  }
  if (registry === 'index.docker.io') registry = dockerHub;
  if (!registryPattern.test(registry)) fail(`invalid registry host "${registry}"`);
  if (repository === '') fail('repository name is missing');
  if (repository !== repository.toLowerCase()) fail(`repository name "${repository}" must be lowercase`);
  if (!repositoryPattern.test(repository)) {
    fail(`invalid repository name "${repository}" (lowercase letters and digits, separated by '.', '_', '__', '-' or '/')`);
  }
  if (registry === dockerHub && !repository.includes('/')) repository = `library/${repository}`;
  if (`${registry}/${repository}`.length > maxNameLength) fail(`name longer than ${maxNameLength} characters`);

  if (tag === undefined && digest === undefined) tag = 'latest';
  const reference: ImageReference = { registry, repository };
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;
  return reference;
}

/** The canonical text of a reference: `registry/repository[:tag][@digest]`. */
export function formatReference(reference: ImageReference): string {
  let text = `${reference.registry}/${reference.repository}`;
  if (reference.tag !== undefined) text += `:${reference.tag}`;
  if (reference.digest !== undefined) text += `@${reference.digest}`;
  return text;
}
