import { parse } from 'yaml';
import { ConfigError } from '../core/index.ts';

/** The API server an in-cluster client reaches (the `kubernetes` service of the `default` namespace). */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

interface Named {
  name?: unknown;
  cluster?: unknown;
  context?: unknown;
}

/**
 * The API server URL a kubeconfig points at: its current context's cluster,
 * or its only cluster when no context is current. `ConfigError` (saying
 * which field) when the text is not such a kubeconfig.
 */
export function kubeconfigServer(text: string): string {
  let config: unknown;
  try {
    config = parse(text);
  } catch (cause) {
    throw new ConfigError(`kubeconfig: not valid YAML: ${(cause as Error).message}`, undefined, { cause });
  }
  if (!isObject(config)) throw new ConfigError('kubeconfig: expected a mapping with clusters and contexts');
  const clusters = namedList(config, 'clusters');
  const clusterName = currentClusterName(config, clusters);
  const entry = clusters.find((c) => c.name === clusterName);
  if (!entry) throw new ConfigError(`kubeconfig: clusters: no cluster named ${JSON.stringify(clusterName)}`);
  const server = isObject(entry.cluster) ? entry.cluster['server'] : undefined;
  if (typeof server !== 'string' || server === '') {
    throw new ConfigError(`kubeconfig: clusters[${JSON.stringify(clusterName)}].cluster.server: expected the API server URL`);
  }
  return server;
}

function currentClusterName(config: Record<string, unknown>, clusters: Named[]): unknown {
  const current = config['current-context'];
  if (current === undefined || current === null || current === '') {
    if (clusters.length === 1) return clusters[0]?.name;
    throw new ConfigError(`kubeconfig: current-context: expected a context name (the file has ${clusters.length} clusters)`);
  }
  const context = namedList(config, 'contexts').find((c) => c.name === current);
  if (!context) throw new ConfigError(`kubeconfig: contexts: no context named ${JSON.stringify(current)} (the current-context)`);
  const cluster = isObject(context.context) ? context.context['cluster'] : undefined;
  if (typeof cluster !== 'string') {
    throw new ConfigError(`kubeconfig: contexts[${JSON.stringify(current)}].context.cluster: expected a cluster name`);
  }
  return cluster;
}

function namedList(config: Record<string, unknown>, field: string): Named[] {
  const list = config[field] ?? [];
  if (!Array.isArray(list) || !list.every(isObject)) throw new ConfigError(`kubeconfig: ${field}: expected a list of named entries`);
  return list as Named[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
