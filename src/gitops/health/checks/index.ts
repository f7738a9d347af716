/** The built-in checks, registered by this plain list (no import side effects). */
import type { HealthCheckDefinition } from '../types.ts';
import { daemonSetHealth } from './daemonset.ts';
import { deploymentHealth } from './deployment.ts';
import { hpaHealth } from './hpa.ts';
import { jobHealth } from './job.ts';
import { ingressHealth, serviceHealth } from './load-balancer.ts';
import { podHealth } from './pod.ts';
import { pvcHealth } from './pvc.ts';
import { statefulSetHealth } from './statefulset.ts';

export const builtinHealthChecks: readonly HealthCheckDefinition[] = [
  { group: 'apps', kind: 'Deployment', check: deploymentHealth },
  { group: 'apps', kind: 'StatefulSet', check: statefulSetHealth },
  { group: 'apps', kind: 'DaemonSet', check: daemonSetHealth },
  { group: 'batch', kind: 'Job', check: jobHealth },
  { group: '', kind: 'Pod', check: podHealth },
  { group: '', kind: 'PersistentVolumeClaim', check: pvcHealth },
  { group: '', kind: 'Service', check: serviceHealth },
  { group: 'networking.k8s.io', kind: 'Ingress', check: ingressHealth },
  { group: 'extensions', kind: 'Ingress', check: ingressHealth },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler', check: hpaHealth },
];
