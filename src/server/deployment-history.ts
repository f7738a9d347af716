import type { DeploymentHistory, DeploymentRecord } from '../metrics/index.ts';
import { deploymentHistory } from '../environments/index.ts';
import type { ApplicationRecord, Store, SyncRecord } from '../store/index.ts';

const PAGE = 200;

/**
 * Deployment records read from GitOps sync history, until release records
 * take over (swap this provider in `start.ts`). Each finished, non-dry-run
 * sync that changed objects is a deployment of its application: service =
 * the application's service (else its name), environment = the
 * application's environment (else its destination namespace); a rollback
 * when the sync was started by a rollback; healthy when it succeeded (a
 * sync fails when an apply fails or the application goes Degraded while it
 * waits for health) and, for the latest deployment, the application is not
 * Degraded now at that revision.
 * Commit times of the config repository are not known here, so commits are
 * empty and lead time has nothing to measure.
 */
export function syncDeploymentHistory(store: Store): DeploymentHistory {
  return {
    /** Oldest first. */
    async list({ since, service, environment }) {
      const records: DeploymentRecord[] = [];
      for (const app of await store.applications.list()) {
        const stream = streamOf(app);
        if ((service !== undefined && stream.service !== service) || (environment !== undefined && stream.environment !== environment)) continue;
        const deployments = (await syncsSince(store, app.id, since.getTime())).flatMap((sync) => {
          const record = deploymentOf(sync, stream);
          return record ? [{ sync, record }] : [];
        });
        // Newest first: the application's current health tells whether its latest deployment went Degraded after its sync.
        const latest = deployments[0];
        const status = latest ? await store.applicationStatus.get(app.id) : undefined;
        if (latest && status?.health === 'Degraded' && status.revision === latest.sync.revision) latest.record.healthy = false;
        records.push(...deployments.map(({ record }) => record));
      }
      return records.sort((a, b) => a.deployedAt.getTime() - b.deployedAt.getTime());
    },
  };
}

function streamOf(app: ApplicationRecord): { service: string; environment: string } {
  return { service: app.service ?? app.name, environment: app.environment ?? app.destination.namespace };
}

/** Newest first, paging back until a sync created before `since` (finished syncs finish after they are created). */
async function syncsSince(store: Store, appId: string, since: number): Promise<SyncRecord[]> {
  const found: SyncRecord[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await store.syncs.listByApp(appId, { limit: PAGE, ...(before === undefined ? {} : { before }) });
    found.push(...page.filter((sync) => (sync.finishedAt ?? 0) >= since));
    const last = page.at(-1);
    if (page.length < PAGE || !last || last.createdAt < since) return found;
    before = last.number;
  }
}

function deploymentOf(sync: SyncRecord, stream: { service: string; environment: string }): DeploymentRecord | undefined {
  if (sync.dryRun || sync.finishedAt === undefined || sync.objectsChanged.length === 0) return undefined;
  if (sync.status !== 'Succeeded' && sync.status !== 'Failed') return undefined;
  return {
    id: sync.id,
    ...stream,
    kind: sync.triggeredBy === '@rollback' || /^rollback\b/.test(sync.reason ?? '') ? 'rollback' : 'deploy',
    deployedAt: new Date(sync.finishedAt),
    healthy: sync.status === 'Succeeded',
    commits: [],
  };
}

/**
 * The deployment history DORA reads: release records (what the environments
 * service records for every deployment it makes — the deploy step, authorized
 * syncs, rollbacks — with their commits, so lead time is measured), and, for
 * a service and environment without any release record (those the controller
 * syncs on its own, like an automatic staging), the sync history above.
 */
export function releaseDeploymentHistory(store: Store): DeploymentHistory {
  const syncs = syncDeploymentHistory(store);
  return {
    async list(query) {
      const releases = await store.releases.list({ service: query.service, environment: query.environment, limit: 100_000 });
      const covered = new Set(releases.map((r) => `${r.service}\u0000${r.environment}`));
      const recorded = deploymentHistory(releases.filter((r) => r.deployedAt >= query.since.getTime()));
      const synced = (await syncs.list(query)).filter((r) => !covered.has(`${r.service}\u0000${r.environment}`));
      return [...recorded, ...synced];
    },
  };
}
