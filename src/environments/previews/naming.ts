/**
 * Which preview a branch gets, and its names: the environment whose
 * `accepts.branches` glob matches, the preview's name (its namespace from the
 * pattern, also its folder in the config repository), its ingress host, URL
 * and the applications of its services.
 */
import picomatch from 'picomatch';
import type { Environment } from '../config/index.ts';
import { expandPattern, namespaceFor } from '../config/index.ts';

export interface PreviewTarget {
  environment: Environment;
  /** Name of the preview: environment folder `environments/<name>/`, and the namespace. */
  name: string;
  namespace: string;
}

/** The first preview environment whose branch glob matches `branch`; undefined when none does. */
export function previewEnvironmentFor(environments: readonly Environment[], branch: string): Environment | undefined {
  return environments.find((env) => env.kind === 'preview' && env.accepts.branches !== null && picomatch(env.accepts.branches, { dot: true })(branch));
}

export function previewTarget(environment: Environment, branch: string): PreviewTarget {
  const name = namespaceFor(environment.namespace, { branch, env: environment.name });
  return { environment, name, namespace: name };
}

/** The host of a service in the preview, from the environment's `ingress.host` pattern; undefined without one. */
export function previewHost(environment: Environment, service: string, branch: string): string | undefined {
  return environment.ingressHost === null ? undefined : expandPattern(environment.ingressHost, { service, branch, env: environment.name });
}

export function previewUrl(host: string): string {
  return `http://${host}/`;
}

/** The automated application of a service in a preview. */
export function previewApplication(service: string, preview: string): string {
  return `${service}-${preview}`;
}

const labelPart = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

/** Whether `name` is one the environment's namespace pattern can make (checked before anything is deleted). */
export function matchesNamePattern(environment: Environment, name: string): boolean {
  const source = environment.namespace
    .split(/(\{branch\}|\{env\}|\{service\})/)
    .map((part) => (part === '{branch}' ? labelPart : part === '{env}' ? escape(environment.name) : part === '{service}' ? labelPart : escape(part)))
    .join('');
  return name.length <= 63 && new RegExp(`^${source}$`).test(name);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
