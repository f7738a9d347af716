/** `kubectl rollout status statefulset` semantics; OnDelete sets have no rollout to wait for, only readiness. */
import type { KubeObject } from '../../../artifacts/index.ts';
import type { HealthResult } from '../types.ts';
import { generationOf, healthy, progressing, specOf, statusOf } from '../types.ts';

interface Spec {
  replicas: number;
  updateStrategy: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number } };
}
interface Status {
  observedGeneration: number;
  readyReplicas: number;
  updatedReplicas: number;
  currentRevision: string;
  updateRevision: string;
}

export function statefulSetHealth(object: KubeObject): HealthResult {
  const spec = specOf<Spec>(object);
  const status = statusOf<Status>(object);
  const observed = status.observedGeneration ?? 0;
  if (observed === 0 || generationOf(object) > observed) return progressing('Waiting for statefulset spec update to be observed...');
  const want = spec.replicas ?? 1;
  const ready = status.readyReplicas ?? 0;
  if (ready < want) return progressing(`Waiting for ${want - ready} pods to be ready...`);
  const strategy = spec.updateStrategy?.type ?? 'RollingUpdate';
  if (strategy === 'OnDelete') return healthy(`statefulset has ${ready} ready pods (updateStrategy OnDelete: pods update when deleted)`);
  const partition = spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (partition > 0) {
    const updated = status.updatedReplicas ?? 0;
    if (updated < want - partition) return progressing(`Waiting for partitioned roll out to finish: ${updated} out of ${want - partition} new pods have been updated...`);
    return healthy(`partitioned roll out complete: ${updated} new pods have been updated...`);
  }
  if (status.updateRevision !== status.currentRevision) {
    return progressing(`waiting for statefulset rolling update to complete ${status.updatedReplicas ?? 0} pods at revision ${status.updateRevision ?? ''}...`);
  }
  return healthy(`statefulset rolling update complete ${ready} pods at revision ${status.currentRevision ?? ''}...`);
}
