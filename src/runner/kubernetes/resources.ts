import { ConfigError } from '../../core/index.ts';
import { parseBytes, parseCpus } from '../container/resources.ts';

/**
 * `resources.limits` and `.requests` of a step as Kubernetes quantities, with
 * the units of Drone's Kubernetes runner: `cpu` in millicores (`500` or
 * `500m`; a decimal such as `1.5` is CPUs), `memory` in bytes with an
 * optional unit (`512MiB`, `640Mi`, `1G`). Other keys (`ephemeral-storage`,
 * extended resources such as `nvidia.com/gpu`) are passed as written.
 */
export function podResources(
  stepName: string,
  resources: { limits?: Record<string, string>; requests?: Record<string, string> } | undefined,
): { limits?: Record<string, string>; requests?: Record<string, string> } {
  const convert = (block: Record<string, string> | undefined, kind: string) => {
    if (block === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(block)) {
      if (key === 'cpu') out.cpu = `${Math.round(parseCpus(value, stepName) * 1000)}m`;
      else if (key === 'memory') out.memory = String(parseBytes(value, stepName));
      else if (/^[A-Za-z0-9]([A-Za-z0-9./_-]*[A-Za-z0-9])?$/.test(key) && /^\+?\d+(\.\d+)?([KMGTPE]i?|[mkMGTPE]|e\d+)?$/.test(value.trim())) out[key] = value.trim();
      else throw new ConfigError(`step "${stepName}": resources.${kind}.${key} "${value}" is not a Kubernetes resource quantity`);
    }
    return out;
  };
  const limits = convert(resources?.limits, 'limits');
  const requests = convert(resources?.requests, 'requests');
  return { ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) };
}
