/** Pod phase, with container waiting reasons that will not fix themselves counted as Degraded. */
import type { KubeObject } from '../../../artifacts/index.ts';
import type { HealthResult } from '../types.ts';
import { degraded, healthy, progressing, specOf, statusOf } from '../types.ts';

const stuckReasons = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'ErrImageNeverPull']);

interface ContainerStatus {
  name: string;
  ready: boolean;
  state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } };
}
interface Status {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  reason: string;
  message: string;
  containerStatuses: ContainerStatus[];
  initContainerStatuses: ContainerStatus[];
}

export function podHealth(object: KubeObject): HealthResult {
  const status = statusOf<Status>(object);
  const containers = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  for (const c of containers) {
    const reason = c.state?.waiting?.reason;
    if (reason !== undefined && stuckReasons.has(reason)) return degraded(`container "${c.name}": ${reason}${c.state?.waiting?.message ? `: ${c.state.waiting.message}` : ''}`);
  }
  switch (status.phase) {
    case 'Succeeded':
      return healthy(status.message ?? 'Pod completed');
    case 'Failed':
      return degraded(status.message ?? status.reason ?? 'Pod failed');
    case 'Running': {
      const restartPolicy = specOf<{ restartPolicy: string }>(object).restartPolicy ?? 'Always';
      const notReady = (status.containerStatuses ?? []).filter((c) => !c.ready).map((c) => c.name);
      if (restartPolicy === 'Always' && notReady.length === 0) return healthy('Pod is running and ready');
      return progressing(notReady.length > 0 ? `containers not ready: ${notReady.join(', ')}` : 'Pod is running');
    }
    default:
      return progressing(status.message ?? status.reason ?? `Pod is ${status.phase ?? 'Pending'}`);
  }
}
