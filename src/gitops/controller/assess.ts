/**
 * One application's state: the desired objects at its revision against the
 * cached live ones — the diff, sync status and health. Pure apart from the
 * (cached) render; reads the cluster only through the cache.
 */
import type { KubeObject } from '../../kube/index.ts';
import type { ClusterCache } from '../cache/cluster-cache.ts';
import type { AppHealthStatus, ApplicationRecord, SyncStatus } from '../contract.ts';
import { diffObjects, syncStatusOf } from '../diff/index.ts';
import type { AppDiff, DiffState, IgnoreRule } from '../diff/index.ts';
import { appHealth } from '../health/index.ts';
import type { HealthRegistry } from '../health/index.ts';
import type { ConfigSources } from '../source/config-sources.ts';

/** One object of an application as the status and the API show it. */
export interface ResourceStatus {
  key: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  state: DiffState;
  health?: AppHealthStatus;
  healthMessage?: string;
  /** Unified YAML diff (live → desired) when the object differs. */
  diff?: string;
}

export interface Assessment {
  commit: string;
  desired: KubeObject[];
  diff: AppDiff;
  syncStatus: SyncStatus;
  health: AppHealthStatus;
  message: string;
  resources: ResourceStatus[];
}

export async function desiredOf(app: ApplicationRecord, sources: ConfigSources, commit: string): Promise<KubeObject[]> {
  return sources.render({ appName: app.name, repoUrl: app.source.repoUrl, path: app.source.path, namespace: app.destination.namespace, commit });
}

export function assess(app: ApplicationRecord, commit: string, desired: KubeObject[], cache: ClusterCache, registry?: HealthRegistry): Assessment {
  const live = cache.objectsOf(app.name);
  const diff = diffObjects(desired, live, { appName: app.name, ignore: app.ignoreDifferences as IgnoreRule[] });
  const managed = diff.resources.filter((r) => r.state !== 'extra');
  const health = appHealth(
    managed.map((r) => ({ desired: r.desired, live: r.live })),
    registry,
  );
  const healthByKey = new Map(health.resources.map((r) => [r.key, r]));
  const resources = diff.resources.map((r): ResourceStatus => {
    const object = (r.desired ?? r.live) as KubeObject;
    const h = healthByKey.get(r.key);
    return {
      key: r.key,
      apiVersion: object.apiVersion,
      kind: r.kind,
      ...(r.namespace ? { namespace: r.namespace } : {}),
      name: r.name,
      state: r.state,
      ...(h ? { health: h.status, ...(h.message ? { healthMessage: h.message } : {}) } : {}),
      ...(r.diff ? { diff: r.diff } : {}),
    };
  });
  const syncStatus = syncStatusOf(diff);
  const differing = resources.filter((r) => r.state !== 'same');
  const message = syncStatus === 'Synced' ? health.message : `${differing.length} object(s) differ: ${differing.slice(0, 5).map((r) => `${r.key} (${r.state})`).join(', ')}`;
  return { commit, desired, diff, syncStatus, health: health.status, message, resources };
}
