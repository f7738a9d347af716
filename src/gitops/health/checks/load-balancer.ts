/** Service (type LoadBalancer only) and Ingress: healthy once an address is assigned. */
import type { KubeObject } from '../../../artifacts/index.ts';
import type { HealthResult } from '../types.ts';
import { healthy, progressing, specOf, statusOf } from '../types.ts';

interface LoadBalancerStatus {
  loadBalancer: { ingress?: { ip?: string; hostname?: string }[] };
}

function addresses(object: KubeObject): string[] {
  return (statusOf<LoadBalancerStatus>(object).loadBalancer?.ingress ?? []).flatMap((i) => [i.ip, i.hostname].filter((a): a is string => !!a));
}

export function serviceHealth(object: KubeObject): HealthResult {
  if (specOf<{ type: string }>(object).type !== 'LoadBalancer') return healthy();
  const found = addresses(object);
  return found.length > 0 ? healthy(`load balancer at ${found.join(', ')}`) : progressing('Waiting for a load balancer address');
}

export function ingressHealth(object: KubeObject): HealthResult {
  const found = addresses(object);
  return found.length > 0 ? healthy(`ingress at ${found.join(', ')}`) : progressing('Waiting for an ingress address');
}
