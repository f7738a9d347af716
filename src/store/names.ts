import { ConfigError } from '../core/index.ts';

/** RFC 1123 label, as Kubernetes requires of namespace names. */
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function checkDnsLabel(value: string, field: string): void {
  if (value.length > 63 || !dnsLabel.test(value)) {
    throw new ConfigError(
      `${field}: expected at most 63 lower-case letters, digits or '-', starting and ending with a letter or digit, found ${JSON.stringify(value)}`,
    );
  }
}
