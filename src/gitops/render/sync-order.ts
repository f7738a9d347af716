/**
 * The order a sync applies objects in, as Argo CD does it: by sync wave
 * (`trunkline.dev/sync-wave`, else `argocd.argoproj.io/sync-wave`; default
 * 0, may be negative), and within a wave by kind phase — namespaces, CRDs,
 * RBAC, config and secrets, storage, services, workloads, ingress,
 * autoscalers, then everything else (custom resources last, once their
 * CRDs exist). Each step's objects can be applied together; steps go in
 * order. Pruning walks the steps backwards.
 */
import { ConfigError } from '../../core/index.ts';
import type { KubeObject } from '../../artifacts/index.ts';

export type SyncPhase = 'namespaces' | 'crds' | 'rbac' | 'config' | 'storage' | 'services' | 'workloads' | 'ingress' | 'autoscaling' | 'other';

export interface SyncStep {
  wave: number;
  phase: SyncPhase;
  objects: KubeObject[];
}

export const waveAnnotations = ['trunkline.dev/sync-wave', 'argocd.argoproj.io/sync-wave'] as const;

const phases: readonly [SyncPhase, readonly string[]][] = [
  ['namespaces', ['Namespace']],
  ['crds', ['CustomResourceDefinition']],
  ['rbac', ['ServiceAccount', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']],
  ['config', ['ConfigMap', 'Secret', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PriorityClass']],
  ['storage', ['StorageClass', 'PersistentVolume', 'PersistentVolumeClaim']],
  ['services', ['Service', 'Endpoints', 'EndpointSlice']],
  ['workloads', ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Pod', 'Job', 'CronJob', 'PodDisruptionBudget']],
  ['ingress', ['IngressClass', 'Ingress', 'Gateway', 'HTTPRoute', 'GRPCRoute']],
  ['autoscaling', ['HorizontalPodAutoscaler', 'VerticalPodAutoscaler']],
];
const phaseOfKind = new Map(phases.flatMap(([phase, kinds]) => kinds.map((k) => [k, phase] as const)));
const phaseRank = new Map<SyncPhase, number>([...phases.map(([p], i) => [p, i] as const), ['other', phases.length]]);
/** Within a phase, kinds keep the listed order (a ServiceAccount before the bindings that name it). */
const kindRank = new Map(phases.flatMap(([, kinds]) => kinds.map((k, i) => [k, i] as const)));

export function waveOf(object: KubeObject): number {
  for (const annotation of waveAnnotations) {
    const value = object.metadata.annotations?.[annotation];
    if (value === undefined) continue;
    if (!/^[+-]?\d+$/.test(value.trim())) {
      throw new ConfigError(`${object.kind} "${object.metadata.name}": annotation ${annotation}: expected an integer, got "${value}"`, { annotation, value });
    }
    return Number(value.trim());
  }
  return 0;
}

export function phaseOf(object: KubeObject): SyncPhase {
  return phaseOfKind.get(object.kind) ?? 'other';
}

export function syncOrder(objects: readonly KubeObject[]): SyncStep[] {
  const ranked = objects.map((object) => ({ object, wave: waveOf(object), phase: phaseOf(object) }));
  ranked.sort(
    (a, b) =>
      a.wave - b.wave ||
      (phaseRank.get(a.phase) ?? 0) - (phaseRank.get(b.phase) ?? 0) ||
      (kindRank.get(a.object.kind) ?? 0) - (kindRank.get(b.object.kind) ?? 0) ||
      compare(a.object.kind, b.object.kind) ||
      compare(a.object.metadata.namespace ?? '', b.object.metadata.namespace ?? '') ||
      compare(a.object.metadata.name, b.object.metadata.name),
  );
  const steps: SyncStep[] = [];
  for (const { object, wave, phase } of ranked) {
    const last = steps[steps.length - 1];
    if (last && last.wave === wave && last.phase === phase) last.objects.push(object);
    else steps.push({ wave, phase, objects: [object] });
  }
  return steps;
}

/** Deletion order: the sync order reversed (workloads before their config, namespaces last). */
export function pruneOrder(objects: readonly KubeObject[]): SyncStep[] {
  return syncOrder(objects)
    .reverse()
    .map((step) => ({ ...step, objects: [...step.objects].reverse() }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
