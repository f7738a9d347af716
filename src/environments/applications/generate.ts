/**
 * Applications from environments, like Argo CD's ApplicationSet with a git
 * directory generator: every service folder `environments/<env>/<service>/`
 * of a non-preview environment becomes the application `<service>-<env>`,
 * deploying that folder to the environment's cluster and namespace, with a
 * sync policy from the environment's `deploy` mode.
 */
import type { SyncPolicy } from '../../gitops/index.ts';
import type { Environment } from '../config/index.ts';

export interface ServiceFolder {
  environment: string;
  service: string;
}

export interface DesiredApplication {
  name: string;
  environment: string;
  service: string;
  path: string;
  cluster: string | null;
  namespace: string;
  syncPolicy: SyncPolicy;
}

/** `environments/<env>/<service>/…` paths → their service folders (distinct, sorted). */
export function serviceFolders(paths: readonly string[]): ServiceFolder[] {
  const seen = new Map<string, ServiceFolder>();
  for (const path of paths) {
    const [root, environment, service, ...rest] = path.split('/');
    if (root !== 'environments' || !environment || !service || rest.length === 0) continue;
    seen.set(`${environment}/${service}`, { environment, service });
  }
  return [...seen.values()].sort((a, b) => `${a.environment}/${a.service}`.localeCompare(`${b.environment}/${b.service}`));
}

/** `auto` syncs every commit (self-heal, prune as configured); `manual` and `pipeline` wait for a sync someone (or the deploy step) asks for. */
export function syncPolicyOf(env: Environment): SyncPolicy {
  if (env.deploy === 'auto') return { automated: true, selfHeal: env.selfHeal, prune: env.prune, force: false };
  return { automated: false, selfHeal: false, prune: env.prune, force: false };
}

export function desiredApplications(envs: readonly Environment[], folders: readonly ServiceFolder[]): DesiredApplication[] {
  const byName = new Map(envs.filter((e) => e.kind !== 'preview').map((e) => [e.name, e]));
  const desired: DesiredApplication[] = [];
  for (const folder of folders) {
    const env = byName.get(folder.environment);
    if (!env) continue;
    desired.push({
      name: `${folder.service}-${env.name}`,
      environment: env.name,
      service: folder.service,
      path: `environments/${env.name}/${folder.service}`,
      cluster: env.cluster,
      namespace: env.namespace,
      syncPolicy: syncPolicyOf(env),
    });
  }
  return desired;
}
