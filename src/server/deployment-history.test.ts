import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { computeDora } from '../metrics/index.ts';
import { openStore, type Store, type SyncOperationStatus } from '../store/index.ts';
import { syncDeploymentHistory } from './deployment-history.ts';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-deployment-history-'));
const hour = 3_600_000;
const day0 = Date.parse('2026-11-20T00:00:00Z');
let store: Store;

before(async () => {
  store = await openStore({ path: join(dir, 'db.sqlite'), secretKey: Buffer.alloc(32, 3) });
  const cluster = await store.clusters.create({ name: 'prod', inCluster: true });
  const source = { repoUrl: 'acme/config', path: 'api', revision: 'main' };
  const api = await store.applications.create({ name: 'api-production', source, destination: { clusterId: cluster.id, namespace: 'api' }, service: 'api', environment: 'production' });
  const web = await store.applications.create({ name: 'web', source, destination: { clusterId: cluster.id, namespace: 'web-ns' } });
  const sync = async (appId: string, at: number, status: SyncOperationStatus, options: { changed?: boolean; reason?: string; dryRun?: boolean } = {}) => {
    const record = await store.syncs.create(appId, { revision: 'a'.repeat(40), triggeredBy: 'alice', reason: options.reason, dryRun: options.dryRun });
    await store.syncs.update(record.id, { status, finishedAt: at, objectsChanged: options.changed === false ? [] : [{ kind: 'Deployment', name: 'x' }] });
  };
  await sync(api.id, day0 - 5 * 24 * hour, 'Succeeded'); // before the asked-for time
  await sync(api.id, day0 + 1 * hour, 'Failed');
  await sync(api.id, day0 + 2 * hour, 'Succeeded', { reason: 'rollback to 0123456789ab' });
  await sync(api.id, day0 + 3 * hour, 'Succeeded', { changed: false }); // nothing changed: no deployment
  await sync(api.id, day0 + 4 * hour, 'Succeeded', { dryRun: true });
  await sync(api.id, day0 + 5 * hour, 'Terminated');
  await sync(web.id, day0 + 6 * hour, 'Succeeded');
  await store.applicationStatus.set(web.id, { syncStatus: 'Synced', health: 'Degraded', revision: 'a'.repeat(40), resources: [] });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('turns finished syncs that changed objects into deployments', async () => {
  const records = await syncDeploymentHistory(store).list({ since: new Date(day0) });
  assert.deepEqual(
    records.map(({ service, environment, kind, deployedAt, healthy, commits }) => ({ service, environment, kind, at: deployedAt.getTime() - day0, healthy, commits })),
    [
      { service: 'api', environment: 'production', kind: 'deploy', at: 1 * hour, healthy: false, commits: [] },
      { service: 'api', environment: 'production', kind: 'rollback', at: 2 * hour, healthy: true, commits: [] },
      // Degraded now at the revision of its latest deployment: that deployment failed after its sync.
      { service: 'web', environment: 'web-ns', kind: 'deploy', at: 6 * hour, healthy: false, commits: [] },
    ],
  );
});

it('keeps a latest deployment healthy when the application is Degraded at another revision', async () => {
  const web = (await store.applications.findByName('web'))!;
  await store.applicationStatus.set(web.id, { syncStatus: 'OutOfSync', health: 'Degraded', revision: 'b'.repeat(40), resources: [] });
  const [record] = await syncDeploymentHistory(store).list({ since: new Date(day0), service: 'web' });
  assert.equal(record?.healthy, true);
  await store.applicationStatus.set(web.id, { syncStatus: 'Synced', health: 'Degraded', revision: 'a'.repeat(40), resources: [] });
});

it('filters by service and environment', async () => {
  const history = syncDeploymentHistory(store);
  assert.equal((await history.list({ since: new Date(day0), service: 'web' })).length, 1);
  assert.equal((await history.list({ since: new Date(day0), environment: 'production' })).length, 2);
  assert.equal((await history.list({ since: new Date(day0 - 30 * 24 * hour), environment: 'production' })).length, 3);
});

it('feeds DORA figures', async () => {
  const records = await syncDeploymentHistory(store).list({ since: new Date(day0 - 30 * 24 * hour), service: 'api' });
  const { summary } = computeDora(records, { days: 3, now: new Date(day0 + 12 * hour) });
  assert.equal(summary.deployments, 2);
  assert.equal(summary.changeFailureRate, 1 / 2);
  assert.deepEqual(summary.timeToRestoreSeconds, { median: 3600 });
});
