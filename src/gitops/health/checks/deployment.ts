/** `kubectl rollout status deployment` semantics, plus pause → Suspended. */
import type { KubeObject } from '../../../artifacts/index.ts';
import type { Condition, HealthResult } from '../types.ts';
import { conditionOf, degraded, generationOf, healthy, progressing, specOf, statusOf, suspended } from '../types.ts';

interface Spec {
  replicas: number;
  paused: boolean;
}
interface Status {
  observedGeneration: number;
  replicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  conditions: Condition[];
}

export function deploymentHealth(object: KubeObject): HealthResult {
  const spec = specOf<Spec>(object);
  const status = statusOf<Status>(object);
  const name = object.metadata.name;
  if (spec.paused) return suspended(`Deployment "${name}" is paused`);
  if (generationOf(object) > (status.observedGeneration ?? 0)) return progressing('Waiting for rollout to finish: observed deployment generation less than desired generation');
  if (conditionOf(status.conditions, 'Progressing')?.reason === 'ProgressDeadlineExceeded') return degraded(`Deployment "${name}" exceeded its progress deadline`);
  const want = spec.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < want) return progressing(`Waiting for rollout to finish: ${updated} out of ${want} new replicas have been updated...`);
  if ((status.replicas ?? 0) > updated) return progressing(`Waiting for rollout to finish: ${(status.replicas ?? 0) - updated} old replicas are pending termination...`);
  if (available < updated) return progressing(`Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`);
  return healthy(`Deployment "${name}" successfully rolled out`);
}
