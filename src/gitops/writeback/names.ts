import { ConfigError } from '../../core/index.ts';

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Environment and service names are folder names: DNS labels, so no path can escape the layout. */
export function checkName(kind: 'environment' | 'service', name: string): string {
  if (name.length > 63 || !dnsLabel.test(name)) {
    throw new ConfigError(`${kind} "${name}" is not a valid name: expected a DNS label (lowercase letters, digits, "-", at most 63)`, { [kind]: name });
  }
  return name;
}

/** `environments/<environment>/<service>`. */
export function serviceFolder(environment: string, service: string): string {
  return `environments/${checkName('environment', environment)}/${checkName('service', service)}`;
}
