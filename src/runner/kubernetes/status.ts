import { z } from 'zod';
import { expandImage } from '../container/image.ts';

/** The parts of a Pod's status the backend reads (parsed at the boundary). */
const stateSchema = z
  .looseObject({
    waiting: z.looseObject({ reason: z.string().optional(), message: z.string().optional() }).optional(),
    running: z.looseObject({}).optional(),
    terminated: z.looseObject({ exitCode: z.number(), reason: z.string().optional(), message: z.string().optional() }).optional(),
  })
  .optional();

const podSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string(), uid: z.string().optional(), deletionTimestamp: z.string().optional() }),
  status: z
    .looseObject({
      phase: z.string().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      containerStatuses: z.array(z.looseObject({ name: z.string(), image: z.string().optional(), state: stateSchema, lastState: stateSchema })).optional(),
    })
    .optional(),
});

export type PodView = z.infer<typeof podSchema>;

export function readPod(object: unknown): PodView | undefined {
  const parsed = podSchema.safeParse(object);
  return parsed.success ? parsed.data : undefined;
}

/** Where one step's container stands, as far as the backend cares. */
export type ContainerPhase =
  | { kind: 'waiting' }
  | { kind: 'running' }
  | { kind: 'exited'; exitCode: number; oomKilled: boolean }
  | { kind: 'failed'; reason: string };

/** Waiting reasons that will not pass by themselves (`ErrImagePull` gets the kubelet's first retry: it may be a hiccup). */
const FATAL_WAITING = new Set(['ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerError', 'RunContainerError', 'CreateContainerConfigError']);

/**
 * The phase of a step's container after its image was swapped in. A status
 * still showing the placeholder image is the placeholder (waiting) — or,
 * once the step was stopped (its image swapped back), the step's run ended,
 * with its exit in `lastState`. A pod that is gone or failed as a whole
 * (deadline exceeded, evicted) ends every step.
 */
export function containerPhase(pod: PodView | undefined, container: string, placeholder: string, stopped: boolean): ContainerPhase {
  if (!pod) return { kind: 'failed', reason: 'the pod is gone' };
  const status = pod.status?.containerStatuses?.find((s) => s.name === container);
  const podFailed = pod.status?.phase === 'Failed' || pod.metadata.deletionTimestamp !== undefined;
  const isPlaceholder = status?.image !== undefined && sameImage(status.image, placeholder);
  if (status && isPlaceholder && stopped) {
    const last = status.lastState?.terminated;
    if (last) return exited(last);
    if (status.state?.running) return { kind: 'exited', exitCode: 137, oomKilled: false };
  }
  if (status && isPlaceholder && !stopped && status.state?.terminated) {
    // A terminated container is never restarted in a `restartPolicy: Never` pod: the swap cannot start the step.
    return { kind: 'failed', reason: `the placeholder image ${placeholder} did not keep waiting (exit code ${status.state.terminated.exitCode}); it must wait whatever command the step has` };
  }
  if (status && !isPlaceholder) {
    if (status.state?.terminated) return exited(status.state.terminated);
    if (status.state?.running) return { kind: 'running' };
    const reason = status.state?.waiting?.reason;
    if (reason !== undefined && FATAL_WAITING.has(reason)) {
      return { kind: 'failed', reason: `${reason}${status.state?.waiting?.message ? `: ${status.state.waiting.message}` : ''}` };
    }
  }
  if (podFailed) {
    const why = pod.metadata.deletionTimestamp !== undefined ? 'the pod is being deleted' : `the pod failed${pod.status?.reason ? ` (${pod.status.reason}${pod.status.message ? `: ${pod.status.message}` : ''})` : ''}`;
    return { kind: 'failed', reason: why };
  }
  return { kind: 'waiting' };
}

function exited(terminated: { exitCode: number; reason?: string | undefined }): ContainerPhase {
  return { kind: 'exited', exitCode: terminated.exitCode, oomKilled: terminated.reason === 'OOMKilled' };
}

/** Whether two image references name the same image (`busybox` = `docker.io/library/busybox:latest`). */
export function sameImage(a: string, b: string): boolean {
  return expandImage(a.replace(/^docker-pullable:\/\//, '')) === expandImage(b.replace(/^docker-pullable:\/\//, ''));
}
