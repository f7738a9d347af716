/**
 * Loads cluster credentials into a `KubeConfig` from memory only: a kubeconfig
 * given as YAML text is never written to disk; in-cluster credentials are the
 * service-account token (re-read on each request, so rotation is picked up)
 * and CA, as `@kubernetes/client-node` reads them.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError, messageOf } from '../core/index.ts';

export type KubeconfigSource = string | { inCluster: true };

export function loadKubeConfig(source: KubeconfigSource, context?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (typeof source === 'string') kc.loadFromString(source);
    else kc.loadFromCluster();
  } catch (error) {
    throw new ConfigError(`kubeconfig cannot be read: ${messageOf(error)}`, undefined, { cause: error });
  }
  if (context !== undefined) {
    if (!kc.getContextObject(context)) {
      throw new ConfigError(`kubeconfig has no context "${context}"`, { contexts: kc.getContexts().map((c) => c.name) });
    }
    kc.setCurrentContext(context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new ConfigError(
      typeof source === 'string'
        ? `kubeconfig has no cluster for context "${kc.getCurrentContext()}"`
        : 'in-cluster credentials not found (KUBERNETES_SERVICE_HOST/PORT unset)',
    );
  }
  return kc;
}

/** The namespace of the current context, `default` when it names none. */
export function defaultNamespaceOf(kc: KubeConfig): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
}
