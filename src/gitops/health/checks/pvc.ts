import type { KubeObject } from '../../../artifacts/index.ts';
import type { HealthResult } from '../types.ts';
import { degraded, healthy, progressing, statusOf } from '../types.ts';

export function pvcHealth(object: KubeObject): HealthResult {
  const phase = statusOf<{ phase: string }>(object).phase;
  if (phase === 'Bound') return healthy('claim is Bound');
  if (phase === 'Lost') return degraded('claim lost its volume');
  return progressing(`claim is ${phase ?? 'Pending'}`);
}
