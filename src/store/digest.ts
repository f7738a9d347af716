import { createHash } from 'node:crypto';
import { ConfigError } from '../core/index.ts';

/** The OCI image-spec digest grammar: `algorithm:encoded`. */
const digestPattern = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export function checkDigest(digest: string, field: string): void {
  if (!digestPattern.test(digest)) {
    throw new ConfigError(`${field}: expected a digest such as sha256:<hex>, found ${JSON.stringify(digest)}`);
  }
}

export function sha256Of(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}
