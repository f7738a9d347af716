/**
 * The Pod (and Secret) of one `type: kubernetes` run, built from the plan:
 * pure, no IO.
 *
 * Why one pod per pipeline, not one per step: steps share a workspace, and in
 * one pod it is a plain `emptyDir` every container mounts — per-step pods
 * would need a ReadWriteMany volume (a storage class many clusters lack) or
 * copying the workspace between pods. Services are reachable by name because
 * every container shares the pod's network: `hostAliases` map their names to
 * 127.0.0.1, as Drone's Kubernetes runner does. One pod is also scheduled
 * once (no per-step scheduling latency) and is one object to delete.
 *
 * The cost is that a pod's containers are fixed when it is created. So, like
 * Drone, every step is a container from the start, running a placeholder
 * image that only waits; a step starts when its container's image — the one
 * container field that may change — is swapped for the step's, which makes
 * the kubelet restart the container with it (see `backend.ts`).
 */
import { posix } from 'node:path';
import { ConfigError } from '../../core/index.ts';
import type { PlanStep, PlanToleration } from '../../pipeline/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import type { RunInputs, RunSpec } from '../contract.ts';
import { expandImage, isLatest } from '../container/image.ts';
import { runLayout, workingDirOf, workspaceVariables } from '../container/layout.ts';
import { buildScript } from '../exec/script.ts';
import { containerEnv } from './environment.ts';
import { containerName, DNS_LABEL, EXPIRES_ANNOTATION, podName, RUN_LABEL } from './names.ts';
import { podResources } from './resources.ts';

export interface PodDefaults {
  namespace: string;
  placeholderImage: string;
  serviceAccountName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: PlanToleration[];
  cloneImage?: string;
  /** Grace between SIGTERM and SIGKILL when a step or the pod is stopped. */
  stopGraceSeconds: number;
  /** Added to the run's timeout for `activeDeadlineSeconds` and the expiry of its objects. */
  deadlineMarginSeconds: number;
}

/** One step's container in the pod. */
export interface StepContainer {
  name: string;
  /** The step's image (fully qualified) that replaces the placeholder when it starts. */
  image: string;
  /** The environment the container gets, to compare with the step's final one. */
  expected: Record<string, string>;
}

export interface RunPod {
  namespace: string;
  name: string;
  pod: KubeObject;
  secret: KubeObject;
  /** By step name. */
  containers: Map<string, StepContainer>;
}

const DEFAULT_TIMEOUT_MS = 60 * 60 * 1000;

export function buildRunPod(run: RunSpec, defaults: PodDefaults, now: Date): RunPod {
  const { pipeline } = run;
  const layout = runLayout(run); // also refuses privileged steps and host volumes of untrusted repositories
  const name = podName(run.id);
  const kube = pipeline.kubernetes;
  const namespace = kube?.namespace ?? defaults.namespace;
  const inputs: RunInputs = run.inputs ?? { secrets: {}, environment: {}, credentials: {}, timeoutMs: DEFAULT_TIMEOUT_MS };
  const deadlineSeconds = Math.ceil(inputs.timeoutMs / 1000) + defaults.deadlineMarginSeconds;
  const expires = new Date(now.getTime() + deadlineSeconds * 1000).toISOString();

  const volumes: Record<string, unknown>[] = [{ name: 'workspace', emptyDir: {} }];
  const volumeNames = new Map<string, string>();
  pipeline.volumes.forEach((volume, index) => {
    const id = `v${index + 1}`;
    volumeNames.set(volume.name, id);
    const source = layout.volumes.get(volume.name);
    if (source?.kind === 'host') volumes.push({ name: id, hostPath: { path: source.path, type: 'DirectoryOrCreate' } });
    else volumes.push({ name: id, emptyDir: source?.kind === 'volume' && source.memory ? { medium: 'Memory' } : {} });
  });

  const everything = [...pipeline.services, ...pipeline.steps];
  const containers = new Map<string, StepContainer>();
  const secretData: Record<string, string> = {};
  const specs = everything.map((step, index) => {
    const container = containerName(index + 1, step.name);
    const env = containerEnv(step, index + 1, inputs, workspaceVariables(layout), name, container);
    Object.assign(secretData, env.secretData);
    const image = imageOf(step, defaults);
    containers.set(step.name, { name: container, image, expected: env.expected });
    return {
      name: container,
      image: defaults.placeholderImage,
      ...commandOf(step),
      imagePullPolicy: pullPolicy(step, image),
      workingDir: workingDirOf(layout, step),
      env: env.env,
      volumeMounts: [
        { name: 'workspace', mountPath: layout.workspaceBase },
        ...step.volumes.map((mount) => {
          const id = volumeNames.get(mount.name);
          if (id === undefined) throw new ConfigError(`step "${step.name}" mounts the volume "${mount.name}", which the pipeline does not define`);
          return { name: id, mountPath: posix.resolve('/', mount.path) };
        }),
      ],
      resources: podResources(step.name, step.resources),
      securityContext: securityContextOf(step),
    };
  });

  const labels = { ...kube?.labels, [RUN_LABEL]: run.id, 'app.kubernetes.io/managed-by': 'trunkline' };
  const annotations = { ...kube?.annotations, [EXPIRES_ANNOTATION]: expires, 'trunkline.io/pipeline': pipeline.name };
  const aliases = [...new Set(everything.map((step) => step.name).filter((host) => DNS_LABEL.test(host)))];
  const serviceAccountName = kube?.serviceAccountName ?? defaults.serviceAccountName;
  const nodeSelector = kube?.nodeSelector ?? defaults.nodeSelector;
  const tolerations = kube && kube.tolerations.length > 0 ? kube.tolerations : (defaults.tolerations ?? []);
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels, annotations },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: deadlineSeconds,
      terminationGracePeriodSeconds: defaults.stopGraceSeconds,
      ...(serviceAccountName !== undefined ? { serviceAccountName } : {}),
      ...(nodeSelector && Object.keys(nodeSelector).length > 0 ? { nodeSelector } : {}),
      ...(tolerations.length > 0 ? { tolerations } : {}),
      ...(aliases.length > 0 ? { hostAliases: [{ ip: '127.0.0.1', hostnames: aliases }] } : {}),
      volumes,
      containers: specs,
    },
  };
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels, annotations: { [EXPIRES_ANNOTATION]: expires } },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(secretData).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
  };
  return { namespace, name, pod, secret, containers };
}

function imageOf(step: PlanStep, defaults: PodDefaults): string {
  const given = step.kind === 'clone' && defaults.cloneImage !== undefined ? defaults.cloneImage : step.image;
  if (given === '') throw new ConfigError(`step "${step.name}" has no image`);
  return expandImage(given);
}

/**
 * Steps with `commands` run them as one `set -e` script through `/bin/sh -c`
 * (echoing each); others run their `entrypoint`/`command` or the image's own.
 */
function commandOf(step: PlanStep): { command?: string[]; args?: string[] } {
  if (step.commands.length > 0) return { command: ['/bin/sh', '-c', buildScript(step.commands)] };
  return {
    ...(step.entrypoint.length > 0 ? { command: [...step.entrypoint] } : {}),
    ...(step.command.length > 0 ? { args: [...step.command] } : {}),
  };
}

function pullPolicy(step: PlanStep, image: string): 'Always' | 'Never' | 'IfNotPresent' {
  if (step.kind === 'clone') return 'IfNotPresent';
  switch (step.pull) {
    case 'always':
      return 'Always';
    case 'never':
      return 'Never';
    case 'if-not-exists':
      return 'IfNotPresent';
    case 'default':
      return isLatest(image) ? 'Always' : 'IfNotPresent';
  }
}

/** Never privileged unless the step asks and its repository is trusted (checked by `runLayout`); `user` as numeric ids. */
function securityContextOf(step: PlanStep): Record<string, unknown> {
  const context: Record<string, unknown> = { privileged: step.privileged };
  if (!step.privileged) context.allowPrivilegeEscalation = false;
  if (step.user !== undefined && step.user !== '') {
    const match = /^(\d+)(?::(\d+))?$/.exec(step.user);
    if (!match) throw new ConfigError(`step "${step.name}": user "${step.user}" must be a numeric uid (or uid:gid) on Kubernetes`);
    context.runAsUser = Number(match[1]);
    if (match[2] !== undefined) context.runAsGroup = Number(match[2]);
  }
  return context;
}

