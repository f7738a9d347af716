/** `kubectl rollout status daemonset` semantics. */
import type { KubeObject } from '../../../artifacts/index.ts';
import type { HealthResult } from '../types.ts';
import { generationOf, healthy, progressing, specOf, statusOf } from '../types.ts';

interface Spec {
  updateStrategy: { type?: 'RollingUpdate' | 'OnDelete' };
}
interface Status {
  observedGeneration: number;
  desiredNumberScheduled: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
}

export function daemonSetHealth(object: KubeObject): HealthResult {
  const status = statusOf<Status>(object);
  const name = object.metadata.name;
  if (generationOf(object) > (status.observedGeneration ?? 0)) return progressing('Waiting for daemon set spec update to be observed...');
  const want = status.desiredNumberScheduled ?? 0;
  const available = status.numberAvailable ?? 0;
  if (specOf<Spec>(object).updateStrategy?.type === 'OnDelete') {
    return available < want ? progressing(`Waiting for daemon set "${name}": ${available} of ${want} pods are available...`) : healthy(`daemon set "${name}" has ${available} available pods (updateStrategy OnDelete)`);
  }
  const updated = status.updatedNumberScheduled ?? 0;
  if (updated < want) return progressing(`Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${want} new pods have been updated...`);
  if (available < want) return progressing(`Waiting for daemon set "${name}" rollout to finish: ${available} of ${want} updated pods are available...`);
  return healthy(`daemon set "${name}" successfully rolled out`);
}
