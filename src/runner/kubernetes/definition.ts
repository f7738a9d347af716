import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, messageOf } from '../../core/index.ts';
import { createKubeClient } from '../../kube/index.ts';
import type { PodClient } from '../../kube/index.ts';
import { defineBackend } from '../contract.ts';
import { KubernetesBackend } from './backend.ts';

const toleration = z.object({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().nonnegative().optional(),
});

const configSchema = z.object({
  /** Kubeconfig file; unset: the pod's service account when in a cluster, else `$KUBECONFIG` or `~/.kube/config`. */
  kubeconfig: z.string().min(1).optional(),
  /** Context of the kubeconfig to use instead of its current one. */
  context: z.string().min(1).optional(),
  /** Namespace of the run pods when the pipeline names none; unset: the kubeconfig context's (or the service account's). */
  namespace: z.string().min(1).optional(),
  /** Service account of the run pods when the pipeline names none; unset: the namespace's default. */
  serviceAccount: z.string().min(1).optional(),
  /** Node selector when the pipeline gives none. */
  nodeSelector: z.record(z.string(), z.string()).optional(),
  /** Tolerations when the pipeline gives none. */
  tolerations: z.array(toleration).optional(),
  /** An image that waits forever whatever command it is given (`/bin/sh -c …` or none): Drone's placeholder. */
  placeholderImage: z.string().min(1).default('docker.io/drone/placeholder:1'),
  /** Image of the generated clone step (needs `/bin/sh` and `git`); default the plan's (`drone/git`). */
  cloneImage: z.string().min(1).optional(),
  /** Between SIGTERM and SIGKILL when a step or a pod is stopped. */
  stopGraceSeconds: z.number().int().nonnegative().default(5),
  /** Added to the run's timeout for the pod's `activeDeadlineSeconds` and the expiry of its objects. */
  deadlineMarginSeconds: z.number().int().nonnegative().default(300),
});

export type KubernetesBackendConfig = z.infer<typeof configSchema>;

/** Pods in a Kubernetes cluster: runs `type: kubernetes` pipelines, where configured. */
export const kubernetesBackend = defineBackend<KubernetesBackendConfig>({
  id: 'kubernetes',
  pipelineTypes: ['kubernetes'],
  configSchema,
  requiresConfig: true,
  async isAvailable(config) {
    try {
      const client = await connect(config);
      try {
        await client.list({ apiVersion: 'v1', kind: 'Pod' }, { namespace: config.namespace ?? client.defaultNamespace, labelSelector: 'trunkline.io/run' });
      } finally {
        await client.close();
      }
      return { available: true };
    } catch (error) {
      return { available: false, reason: messageOf(error) };
    }
  },
  create(config, deps) {
    let client: Promise<PodClient> | undefined;
    const ready = () => {
      client ??= connect(config);
      client.catch(() => (client = undefined));
      return client;
    };
    return new KubernetesBackend(ready, {
      logger: deps.logger,
      defaults: {
        namespace: config.namespace ?? '',
        placeholderImage: config.placeholderImage,
        stopGraceSeconds: config.stopGraceSeconds,
        deadlineMarginSeconds: config.deadlineMarginSeconds,
        ...(config.serviceAccount !== undefined ? { serviceAccountName: config.serviceAccount } : {}),
        ...(config.nodeSelector !== undefined ? { nodeSelector: config.nodeSelector } : {}),
        ...(config.tolerations !== undefined ? { tolerations: config.tolerations } : {}),
        ...(config.cloneImage !== undefined ? { cloneImage: config.cloneImage } : {}),
      },
    });
  },
});

/** A client for the configured cluster: the kubeconfig file, the pod's service account, or `$KUBECONFIG`/`~/.kube/config`. */
async function connect(config: KubernetesBackendConfig): Promise<PodClient> {
  const context = config.context !== undefined ? { context: config.context } : {};
  if (config.kubeconfig === undefined && process.env.KUBERNETES_SERVICE_HOST) return createKubeClient({ kubeconfig: { inCluster: true }, ...context });
  const path = config.kubeconfig ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`kubeconfig ${path} cannot be read: ${messageOf(error)}`);
  }
  return createKubeClient({ kubeconfig: text, ...context });
}
