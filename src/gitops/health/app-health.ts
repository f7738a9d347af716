import type { KubeObject } from '../../artifacts/index.ts';
import { groupOf } from '../render/index.ts';
import { HealthRegistry } from './registry.ts';
import type { HealthResult, HealthStatus } from './types.ts';

/**
 * Worst first. Unknown (a check that could not decide) ranks below Missing:
 * it must not hide a real failure, nor pass as progress.
 */
const severity: readonly HealthStatus[] = ['Degraded', 'Missing', 'Unknown', 'Progressing', 'Suspended', 'Healthy'];

/** A desired object and its live counterpart (absent: Missing); or a live object alone. */
export type HealthInput = KubeObject | { desired?: KubeObject; live?: KubeObject };

export interface ResourceHealth extends HealthResult {
  /** `group/kind/namespace/name`. */
  key: string;
}

export interface AppHealth extends HealthResult {
  resources: ResourceHealth[];
}

const defaultRegistry = new HealthRegistry();

export function worstOf(statuses: readonly HealthStatus[]): HealthStatus {
  let worst: HealthStatus = 'Healthy';
  for (const s of statuses) if (severity.indexOf(s) < severity.indexOf(worst)) worst = s;
  return worst;
}

/** Per-object health and the application's: the worst of them (Healthy when empty). */
export function appHealth(inputs: readonly HealthInput[], registry: HealthRegistry = defaultRegistry): AppHealth {
  const resources = inputs.flatMap((input): ResourceHealth[] => {
    const pair = 'kind' in input ? { live: input as KubeObject } : input;
    const object = pair.live ?? pair.desired;
    if (object === undefined) return [];
    const key = `${groupOf(object.apiVersion)}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    if (pair.live === undefined) return [{ key, status: 'Missing', message: 'not found in the cluster' }];
    return [{ key, ...registry.healthOf(pair.live) }];
  });
  const status = worstOf(resources.map((r) => r.status));
  const culprits = resources.filter((r) => r.status === status && status !== 'Healthy');
  const message = culprits.map((r) => `${r.key}: ${r.message || r.status}`).join('; ');
  return { status, message, resources };
}
