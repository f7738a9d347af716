/** Reads a `kind: pipeline` document into a `PipelineDoc`. */
import { parseLenient } from './describe.ts';
import { isRecord } from './locate.ts';
import type { PipelineDoc, Site, StepDoc, VolumeDoc } from './model.ts';
import type { Reporter } from './reporter.ts';
import { readStep } from './read-step.ts';
import type { z } from 'zod';
import type { PlanKubernetes } from './plan.ts';
import { ignoredKeys, knownKeys, pipelineSchema } from './schema.ts';

export function readPipeline(value: unknown, doc: number, reporter: Reporter): PipelineDoc | undefined {
  const site: Site = { doc, path: [] };
  reporter.unknownKeys(site, [], value, knownKeys.pipeline, ignoredKeys.pipeline);
  if (!isRecord(value)) return undefined;
  const nested = [
    ['clone', knownKeys.clone],
    ['workspace', knownKeys.workspace],
    ['concurrency', knownKeys.concurrency],
    ['platform', knownKeys.platform],
    ['metadata', knownKeys.metadata],
  ] as const;
  reporter.conditionKeys(site, ['trigger'], value.trigger);
  for (const [key, known] of nested) reporter.unknownKeys(site, [key], value[key], known);
  if (Array.isArray(value.volumes)) value.volumes.forEach((v, i) => reporter.unknownKeys(site, ['volumes', i], v, knownKeys.volume));
  if (Array.isArray(value.tolerations)) value.tolerations.forEach((t, i) => reporter.unknownKeys(site, ['tolerations', i], t, knownKeys.toleration));

  const { data, problems } = parseLenient(pipelineSchema, value);
  reporter.problems(site, [], problems);
  if (!data) return undefined;

  const readSteps = (key: 'steps' | 'services'): StepDoc[] =>
    (data[key] ?? []).flatMap((item, i) => readStep(item, { doc, path: [key, i] }, reporter) ?? []);

  const volumes: VolumeDoc[] = (data.volumes ?? []).flatMap((v, i) => {
    if (v.name === undefined) {
      reporter.missing(site, ['volumes', i], 'name', 'a volume needs a name');
      return [];
    }
    const volume: VolumeDoc = { name: v.name };
    if (v.host?.path !== undefined) volume.host = { path: v.host.path };
    if (v.temp !== undefined) volume.temp = v.temp?.medium ? { medium: v.temp.medium } : {};
    if (!volume.host && !volume.temp) reporter.error(site, ['volumes', i], 'expected a volume with host.path or temp');
    return [volume];
  });

  return {
    at: site,
    name: data.name ?? 'default',
    type: data.type ?? 'docker',
    dependsOn: data.depends_on ?? [],
    trigger: data.trigger ?? {},
    clone: {
      disable: data.clone?.disable ?? false,
      depth: data.clone?.depth,
      skipVerify: data.clone?.skip_verify ?? false,
      retries: data.clone?.retries,
    },
    workspace: { base: data.workspace?.base, path: data.workspace?.path },
    environment: data.environment ?? {},
    concurrencyLimit: data.concurrency?.limit,
    node: data.node ?? {},
    platform: { ...data.platform },
    services: readSteps('services'),
    volumes,
    steps: readSteps('steps'),
    imagePullSecrets: data.image_pull_secrets ?? [],
    ...(kubernetesOf(data) ? { kubernetes: kubernetesOf(data) } : {}),
  };
}

/** The pod settings a kubernetes pipeline gives, or undefined when it gives none. */
function kubernetesOf(data: z.infer<typeof pipelineSchema>): PlanKubernetes | undefined {
  const { metadata, node_selector: nodeSelector, tolerations, service_account_name: serviceAccountName } = data;
  if (!metadata && !nodeSelector && !tolerations && serviceAccountName === undefined) return undefined;
  return {
    ...(metadata?.namespace !== undefined ? { namespace: metadata.namespace } : {}),
    labels: { ...metadata?.labels },
    annotations: { ...metadata?.annotations },
    ...(nodeSelector ? { nodeSelector: { ...nodeSelector } } : {}),
    tolerations: (tolerations ?? []).map((t) => ({
      ...(t.key !== undefined ? { key: t.key } : {}),
      ...(t.operator !== undefined ? { operator: t.operator } : {}),
      ...(t.value !== undefined ? { value: t.value } : {}),
      ...(t.effect !== undefined ? { effect: t.effect } : {}),
      ...(t.toleration_seconds !== undefined ? { tolerationSeconds: t.toleration_seconds } : {}),
    })),
    ...(serviceAccountName !== undefined ? { serviceAccountName } : {}),
  };
}
