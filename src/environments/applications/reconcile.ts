/**
 * Makes the stored applications match the desired ones: creates, updates and
 * deletes only applications this generator made (`managedBy`), never one
 * defined by hand; an environment whose cluster is not registered gets no
 * applications until it is.
 */
import { messageOf } from '../../core/index.ts';
import type { Logger } from '../../core/index.ts';
import type { ApplicationPatch, ApplicationRecord, ClusterRecord, GitopsController, GitopsStore } from '../../gitops/index.ts';
import type { DesiredApplication } from './generate.ts';

export interface ReconcileDeps {
  store: Pick<GitopsStore, 'clusters' | 'applications'>;
  controller: Pick<GitopsController, 'applicationChanged'>;
  logger: Logger;
  generator: string;
  source: { repoUrl: string; revision: string };
}

export interface ReconcileOutcome {
  created: string[];
  updated: string[];
  deleted: string[];
  /** Desired applications left out, with why. */
  skipped: { name: string; reason: string }[];
}

export async function reconcileApplications(deps: ReconcileDeps, desired: readonly DesiredApplication[]): Promise<ReconcileOutcome> {
  const outcome: ReconcileOutcome = { created: [], updated: [], deleted: [], skipped: [] };
  const clusters = new Map((await deps.store.clusters.list()).map((c) => [c.name, c]));
  const existing = new Map((await deps.store.applications.list()).map((a) => [a.name, a]));
  const wanted = new Set<string>();
  for (const app of desired) {
    wanted.add(app.name);
    const cluster = app.cluster === null ? undefined : clusters.get(app.cluster);
    if (!cluster) {
      outcome.skipped.push({ name: app.name, reason: app.cluster === null ? 'the environment names no cluster' : `no cluster "${app.cluster}" is registered` });
      continue;
    }
    const current = existing.get(app.name);
    try {
      if (!current) {
        await deps.store.applications.create({
          name: app.name,
          source: { ...deps.source, path: app.path },
          destination: { clusterId: cluster.id, namespace: app.namespace },
          syncPolicy: app.syncPolicy,
          environment: app.environment,
          service: app.service,
          managedBy: deps.generator,
        });
        outcome.created.push(app.name);
      } else if (current.managedBy !== deps.generator) {
        outcome.skipped.push({ name: app.name, reason: 'an application of that name was defined by hand' });
        continue;
      } else {
        const patch = changes(current, app, cluster, deps.source);
        if (!patch) continue;
        await deps.store.applications.update(current.id, patch);
        outcome.updated.push(app.name);
      }
      await deps.controller.applicationChanged(app.name);
    } catch (error) {
      deps.logger.warn({ err: messageOf(error), app: app.name }, 'generated application not written');
      outcome.skipped.push({ name: app.name, reason: messageOf(error) });
    }
  }
  for (const app of existing.values()) {
    if (app.managedBy !== deps.generator || wanted.has(app.name)) continue;
    await deps.store.applications.delete(app.id);
    await deps.controller.applicationChanged(app.name);
    outcome.deleted.push(app.name);
  }
  return outcome;
}

function changes(current: ApplicationRecord, app: DesiredApplication, cluster: ClusterRecord, source: { repoUrl: string; revision: string }): ApplicationPatch | undefined {
  const patch: ApplicationPatch = {};
  if (current.source.repoUrl !== source.repoUrl || current.source.revision !== source.revision || current.source.path !== app.path) {
    patch.source = { ...source, path: app.path };
  }
  if (current.destination.clusterId !== cluster.id || current.destination.namespace !== app.namespace) {
    patch.destination = { clusterId: cluster.id, namespace: app.namespace };
  }
  const policy = current.syncPolicy;
  if (policy.automated !== app.syncPolicy.automated || policy.selfHeal !== app.syncPolicy.selfHeal || policy.prune !== app.syncPolicy.prune) {
    patch.syncPolicy = app.syncPolicy;
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}
