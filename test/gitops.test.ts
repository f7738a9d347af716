/**
 * The GitOps controller against a Kubernetes API: the in-process fake, or
 * the cluster named by TRUNKLINE_TEST_KUBECONFIG. Only "make Deployments
 * available" differs between them (a real cluster's controllers do it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { createKubeClient } from '../src/kube/index.ts';
import type { KubeClient, KubeObject } from '../src/kube/index.ts';
import { GitopsController } from '../src/gitops/index.ts';
import type { DriftEvent, GitopsStore, SyncRecord } from '../src/gitops/index.ts';
import { openStore } from '../src/store/index.ts';
import type { Store } from '../src/store/index.ts';
import { startFakeApiServer } from './kube-fake/index.ts';
import type { FakeApiServer } from './kube-fake/index.ts';
import { TestRepo } from './helpers/git-repo.ts';
import { waitFor } from './helpers/wait.ts';

const realKubeconfig = process.env.TRUNKLINE_TEST_KUBECONFIG;
const stuckImage = 'registry.invalid/never-pulls';
const run = randomBytes(3).toString('hex');

/** Counts the calls the controller makes, whatever the cluster. */
class CountingClient implements KubeClient {
  readonly inner: KubeClient;
  calls: { verb: string; kind: string; name: string }[] = [];
  onApply: ((object: KubeObject) => void) | undefined;
  constructor(inner: KubeClient) {
    this.inner = inner;
  }
  get defaultNamespace(): string {
    return this.inner.defaultNamespace;
  }
  discover: KubeClient['discover'] = () => this.inner.discover();
  refresh: KubeClient['refresh'] = () => this.inner.refresh();
  apply: KubeClient['apply'] = async (object, options) => {
    this.calls.push({ verb: options.dryRun ? 'apply-dry-run' : 'apply', kind: object.kind, name: object.metadata.name });
    this.onApply?.(object);
    return this.inner.apply(object, options);
  };
  get: KubeClient['get'] = (ref) => {
    this.calls.push({ verb: 'get', kind: ref.kind, name: ref.name });
    return this.inner.get(ref);
  };
  list: KubeClient['list'] = (type, options) => {
    this.calls.push({ verb: 'list', kind: type.kind, name: '' });
    return this.inner.list(type, options);
  };
  delete: KubeClient['delete'] = (ref, options) => {
    this.calls.push({ verb: options?.dryRun ? 'delete-dry-run' : 'delete', kind: ref.kind, name: ref.name });
    return this.inner.delete(ref, options);
  };
  watch: KubeClient['watch'] = (type, options, onEvent, onDone) => this.inner.watch(type, options, onEvent, onDone);
  close: KubeClient['close'] = () => this.inner.close();
  writes(): number {
    return this.calls.filter((c) => c.verb === 'apply' || c.verb === 'delete').length;
  }
}

const manifests = (ns: string, extra = '') => ({
  'namespace.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`,
  'config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  greeting: hello\n${extra}`,
});
const service = (tag: string) => ({
  'values.yaml': 'image:\n  repository: registry.k8s.io/pause\n  tag: "3.10"\nreplicas: 2\n',
  'release.yaml': `image:\n  repository: registry.k8s.io/pause\n  tag: "${tag}"\n`,
});

describe('gitops controller', () => {
  let fake: FakeApiServer | undefined;
  let kubeconfig: string;
  let store: Store;
  let gstore: GitopsStore;
  let dataDir: string;
  let work: TestRepo;
  let bare: string;
  let clusterId: string;
  let admin: KubeClient;
  let rollouts: NodeJS.Timeout | undefined;
  const clients: CountingClient[] = [];
  const controllers: GitopsController[] = [];
  const drifts: DriftEvent[] = [];

  const controller = (options: { selfHealBackoffMs?: number; resyncIntervalMs?: number; healthTimeoutMs?: number } = {}) => {
    const c = new GitopsController({
      store: gstore,
      dataDir,
      resyncIntervalMs: options.resyncIntervalMs ?? 0,
      retryDelayMs: 50,
      healthTimeoutMs: options.healthTimeoutMs ?? 60_000,
      onDrift: (drift) => drifts.push(drift),
      selfHealBackoffMs: options.selfHealBackoffMs ?? 50,
      connect: (config) => {
        const client = new CountingClient(createKubeClient({ kubeconfig: config, retry: { attempts: 2 } }));
        clients.push(client);
        return client;
      },
    });
    controllers.push(c);
    return c;
  };
  const lastClient = () => clients[clients.length - 1] as CountingClient;

  const commit = (files: Record<string, string>, message: string) => {
    work.commit(files, message);
    // The controller's rollback pushes to the same repository.
    work.git('pull', '-q', '--rebase', 'origin', 'main');
    work.git('push', '-q', 'origin', 'main');
    return work.git('rev-parse', 'HEAD');
  };
  const remove = (path: string, message: string) => {
    work.git('rm', '-q', '-r', path);
    work.git('commit', '-q', '-m', message);
    work.git('push', '-q', 'origin', 'main');
    return work.git('rev-parse', 'HEAD');
  };

  const createApp = async (name: string, path: string, ns: string, policy: { automated?: boolean; prune?: boolean; selfHeal?: boolean }) =>
    gstore.applications.create({ name, source: { repoUrl: bare, path, revision: 'main' }, destination: { clusterId, namespace: ns }, syncPolicy: policy });

  const status = async (name: string) => {
    const app = await store.applications.findByName(name);
    return app ? store.applicationStatus.get(app.id) : undefined;
  };
  const finished = async (c: GitopsController, record: SyncRecord) => {
    const done = await waitFor(async () => {
      const r = await c.waitForSync(record.id);
      return r.status !== 'Pending' && r.status !== 'Running' ? r : undefined;
    }, `sync ${record.number} to finish`);
    return done;
  };
  const live = (kind: string, apiVersion: string, ns: string | undefined, name: string) => admin.get({ apiVersion, kind, namespace: ns, name });

  before(async () => {
    if (realKubeconfig) {
      kubeconfig = execFileSync('cat', [realKubeconfig], { encoding: 'utf8' });
    } else {
      fake = await startFakeApiServer({ bookmarkIntervalMs: 0 });
      kubeconfig = fake.kubeconfig;
      const server = fake;
      // The fake has no workload controllers: finish each Deployment rollout as kube-controller-manager would.
      rollouts = setInterval(() => {
        for (const d of server.objects({ apiVersion: 'apps/v1', kind: 'Deployment' })) {
          const meta = d.metadata as { name: string; namespace: string; generation?: number };
          // Stands for an image that never pulls: a real cluster never finishes that rollout either.
          if (JSON.stringify(d.spec).includes(stuckImage)) continue;
          const observed = (d.status as { observedGeneration?: number } | undefined)?.observedGeneration;
          if (observed !== meta.generation) server.completeRollout({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: meta.namespace, name: meta.name });
        }
      }, 20);
    }
    admin = createKubeClient({ kubeconfig });
    dataDir = mkdtempSync(join(tmpdir(), 'tl-gitops-'));
    store = await openStore({ path: join(dataDir, 'store.db'), secretKey: randomBytes(32) });
    gstore = store;
    bare = join(dataDir, 'config.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    work = new TestRepo();
    work.git('remote', 'add', 'origin', bare);
    work.commit({ 'README.md': 'config\n' }, 'init');
    work.git('push', '-q', 'origin', 'main');
    clusterId = (await store.clusters.create({ name: 'test', kubeconfig })).id;
  });

  // One controller at a time, as in the server.
  afterEach(async () => {
    for (const c of controllers.splice(0)) await c.stop();
  });

  after(async () => {
    if (rollouts) clearInterval(rollouts);
    await admin.close();
    await store.close();
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work.dir, { recursive: true, force: true });
  });

  it('syncs a new app in order, then a steady reconcile makes no request and no write', async () => {
    const ns = `gt-first-${run}`;
    commit({ ...prefix('apps/first', manifests(ns)), ...prefix('apps/first/svc', service('1.0')) }, 'first app');
    const c = controller();
    await c.start();
    await createApp('first', 'apps/first', ns, {});
    await c.applicationChanged('first');
    assert.equal((await status('first'))?.syncStatus, 'OutOfSync');
    const client = lastClient();
    const record = await c.sync('first', {}, 'ada');
    const done = await finished(c, record);
    assert.equal(done.status, 'Succeeded', done.message);
    assert.equal(done.triggeredBy, 'ada');
    const order = client.calls.filter((x) => x.verb === 'apply').map((x) => x.kind);
    assert.deepEqual(order, ['Namespace', 'ConfigMap', 'Service', 'Deployment']);
    assert.equal((done.objectsChanged as { action: string }[]).filter((o) => o.action === 'created').length, 4);
    const deployment = await live('Deployment', 'apps/v1', ns, 'svc');
    assert.equal((deployment?.metadata.labels ?? {})['trunkline.dev/app'], 'first');
    await waitFor(async () => (await status('first'))?.syncStatus === 'Synced' && (await status('first'))?.health === 'Healthy', 'first Synced and Healthy');

    const before = await status('first');
    client.calls = [];
    fake?.resetRequests();
    await c.reconcile('first');
    await c.configChanged(bare);
    assert.deepEqual(client.calls, []);
    if (fake) assert.equal(fake.writeCount(), 0);
    assert.equal((await status('first'))?.updatedAt, before?.updatedAt);
  });

  it('an automated app applies a new image tag committed to git', async () => {
    const ns = `gt-auto-${run}`;
    commit({ ...prefix('apps/auto', manifests(ns)), ...prefix('apps/auto/svc', service('1.0')) }, 'auto app');
    const c = controller();
    await c.start();
    await createApp('auto', 'apps/auto', ns, { automated: true });
    await c.applicationChanged('auto');
    await waitFor(async () => (await status('auto'))?.syncStatus === 'Synced', 'auto synced');
    const sha = commit(prefix('apps/auto/svc', service('2.0')), 'bump svc to 2.0');
    await c.configChanged(bare);
    const image = await waitFor(async () => {
      const d = (await live('Deployment', 'apps/v1', ns, 'svc')) as { spec: { template: { spec: { containers: { image: string }[] } } } } | undefined;
      const value = d?.spec.template.spec.containers[0]?.image;
      return value?.endsWith(':2.0') ? value : undefined;
    }, 'new image applied');
    assert.equal(image, 'registry.k8s.io/pause:2.0');
    const app = await store.applications.findByName('auto');
    const history = await store.syncs.listByApp(app?.id ?? '');
    assert.equal(history[0]?.revision, sha);
    assert.equal(history[0]?.triggeredBy, '@auto');
  });

  it('heals drift for a self-healing app and only reports it for a manual one', async () => {
    const healNs = `gt-heal-${run}`;
    const manualNs = `gt-manual-${run}`;
    commit({ ...prefix('apps/heal', manifests(healNs)), ...prefix('apps/heal/svc', service('1.0')), ...prefix('apps/manual', manifests(manualNs)) }, 'heal and manual apps');
    const c = controller();
    await c.start();
    await createApp('heal', 'apps/heal', healNs, { automated: true, selfHeal: true });
    await createApp('manual', 'apps/manual', manualNs, {});
    await c.applicationChanged('heal');
    await finished(c, await c.sync('manual', {}, 'ada'));
    await waitFor(async () => (await status('heal'))?.syncStatus === 'Synced' && (await status('manual'))?.syncStatus === 'Synced', 'both synced');

    // Someone scales the Deployment with another field manager and deletes the ConfigMap.
    await admin.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'svc', namespace: healNs }, spec: { replicas: 5 } }, { fieldManager: 'intruder', force: true });
    await admin.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: healNs, name: 'settings' });
    await waitFor(async () => {
      const d = (await live('Deployment', 'apps/v1', healNs, 'svc')) as { spec: { replicas: number } } | undefined;
      const cm = await live('ConfigMap', 'v1', healNs, 'settings');
      return d?.spec.replicas === 2 && cm !== undefined;
    }, 'drift reverted');
    const app = await store.applications.findByName('heal');
    // The objects are back before the healing sync has finished waiting for health.
    await waitFor(async () => (await store.syncs.listByApp(app?.id ?? '')).some((s) => s.triggeredBy === '@self-heal' && s.status === 'Succeeded'), 'a self-heal sync succeeded');

    await admin.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: manualNs, name: 'settings' });
    const reported = await waitFor(async () => {
      const s = await status('manual');
      return s?.syncStatus === 'OutOfSync' ? s : undefined;
    }, 'manual drift reported');
    assert.match(reported.message ?? '', /ConfigMap/);
    assert.equal(await live('ConfigMap', 'v1', manualNs, 'settings'), undefined);
    const drift = drifts.find((d) => d.app === 'manual');
    assert.ok(drift, 'drift of the manual app reported');
    assert.equal(drift.selfHeal, false);
    assert.ok(drift.drifted.some((d) => d.includes('ConfigMap') && d.includes('missing')), drift.drifted.join(', '));
    const manual = await store.applications.findByName('manual');
    assert.equal((await store.syncs.listByApp(manual?.id ?? '')).length, 1);
  });

  it('prunes an object removed from git, never an untracked one', async () => {
    const ns = `gt-prune-${run}`;
    commit({ ...prefix('apps/prune', manifests(ns)), 'apps/prune/extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  a: "1"\n' }, 'prune app');
    const c = controller();
    await c.start();
    await createApp('prune', 'apps/prune', ns, {});
    assert.equal((await finished(c, await c.sync('prune', {}, 'ada'))).status, 'Succeeded');
    await admin.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bystander', namespace: ns }, data: { b: '2' } }, { fieldManager: 'someone' });
    await admin.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other-app', namespace: ns, labels: { 'trunkline.dev/app': 'another' } }, data: { c: '3' } }, { fieldManager: 'someone' });
    remove('apps/prune/extra.yaml', 'drop extra');
    await c.configChanged(bare);
    await waitFor(async () => (await status('prune'))?.syncStatus === 'OutOfSync', 'extra reported');

    const without = await finished(c, await c.sync('prune', { prune: false }, 'ada'));
    assert.equal(without.status, 'Succeeded');
    assert.ok(await live('ConfigMap', 'v1', ns, 'extra'), 'not pruned unless asked');

    const pruned = await finished(c, await c.sync('prune', { prune: true }, 'ada'));
    assert.equal(pruned.status, 'Succeeded', pruned.message);
    await waitFor(async () => (await live('ConfigMap', 'v1', ns, 'extra')) === undefined, 'extra deleted');
    assert.deepEqual((pruned.objectsChanged as { action: string; name: string }[]).filter((o) => o.action === 'pruned').map((o) => o.name), ['extra']);
    assert.ok(await live('ConfigMap', 'v1', ns, 'bystander'));
    assert.ok(await live('ConfigMap', 'v1', ns, 'other-app'));
  });

  it('reports a field-manager conflict and takes the fields when forced; dry-run changes nothing', async () => {
    const ns = `gt-conflict-${run}`;
    commit(prefix('apps/conflict', manifests(ns)), 'conflict app');
    await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { fieldManager: 'someone' });
    await admin.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: ns }, data: { greeting: 'bonjour' } }, { fieldManager: 'someone' });
    const c = controller();
    await c.start();
    await createApp('conflict', 'apps/conflict', ns, {});

    const client = lastClient();
    client.calls = [];
    const dry = await finished(c, await c.sync('conflict', { dryRun: true, force: true }, 'ada'));
    assert.equal(dry.status, 'Succeeded', dry.message);
    assert.equal(client.writes(), 0);
    assert.ok(client.calls.some((x) => x.verb === 'apply-dry-run'));
    assert.equal(((await live('ConfigMap', 'v1', ns, 'settings')) as unknown as { data: Record<string, string> }).data.greeting, 'bonjour');

    const predicted = await c.predict('conflict');
    assert.deepEqual(predicted.find((p) => p.kind === 'ConfigMap')?.conflicts, [{ field: '.data.greeting', manager: 'someone' }]);
    assert.equal(predicted.find((p) => p.kind === 'ConfigMap')?.action, 'conflict');
    assert.match((await c.predict('conflict', { force: true })).find((p) => p.kind === 'ConfigMap')?.diff ?? '', /-\s*greeting: bonjour\n\+\s*greeting: hello/);
    const refused = await finished(c, await c.sync('conflict', {}, 'ada'));
    assert.equal(refused.status, 'Failed');
    assert.match(refused.message ?? '', /\.data\.greeting/);
    assert.match(refused.message ?? '', /someone/);
    assert.deepEqual((refused.state as { conflicts: { field: string; manager: string }[] }).conflicts.map((x) => [x.field, x.manager]), [['.data.greeting', 'someone']]);

    const forced = await finished(c, await c.sync('conflict', { force: true }, 'ada'));
    assert.equal(forced.status, 'Succeeded', forced.message);
    assert.equal(((await live('ConfigMap', 'v1', ns, 'settings')) as unknown as { data: Record<string, string> }).data.greeting, 'hello');

    // The same conflict again, now settled by the application's own policy rather than the request.
    await admin.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: ns }, data: { greeting: 'hola' } }, { fieldManager: 'someone', force: true });
    await waitFor(async () => (await status('conflict'))?.syncStatus === 'OutOfSync', 'the taken field reported');
    const app = await store.applications.findByName('conflict');
    await store.applications.update(app?.id ?? '', { syncPolicy: { force: true } });
    const byPolicy = await finished(c, await c.sync('conflict', {}, 'ada'));
    assert.equal(byPolicy.status, 'Succeeded', byPolicy.message);
    assert.equal(((await live('ConfigMap', 'v1', ns, 'settings')) as unknown as { data: Record<string, string> }).data.greeting, 'hello');
  });

  it('rolls back with a revert commit and a sync, with automated sync on', async () => {
    const ns = `gt-rollback-${run}`;
    const good = commit({ ...prefix('apps/rollback', manifests(ns)), ...prefix('apps/rollback/svc', service('1.0')) }, 'rollback app');
    const c = controller();
    await c.start();
    await createApp('rollback', 'apps/rollback', ns, { automated: true });
    await c.applicationChanged('rollback');
    await waitFor(async () => (await status('rollback'))?.syncStatus === 'Synced', 'synced at 1.0');
    commit(prefix('apps/rollback/svc', service('9.9-bad')), 'bad release');
    await c.configChanged(bare);
    await waitFor(async () => (await status('rollback'))?.syncStatus === 'Synced' && (await status('rollback'))?.revision !== good, 'synced at 9.9');

    const result = await c.rollback('rollback', good, 'ada');
    assert.ok(result.commit);
    assert.equal(result.reverted.length, 1);
    const done = await finished(c, result.sync);
    assert.equal(done.status, 'Succeeded', done.message);
    assert.equal(done.revision, result.commit);
    execFileSync('git', ['fetch', '-q', 'origin'], { cwd: work.dir });
    assert.equal(execFileSync('git', ['rev-parse', 'origin/main'], { cwd: work.dir, encoding: 'utf8' }).trim(), result.commit);
    assert.match(execFileSync('git', ['log', '--format=%s', '-3', 'origin/main'], { cwd: work.dir, encoding: 'utf8' }), /Revert apps\/rollback[\s\S]*bad release/);
    const d = (await live('Deployment', 'apps/v1', ns, 'svc')) as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
    assert.equal(d.spec.template.spec.containers[0]?.image, 'registry.k8s.io/pause:1.0');
  });

  it('resumes a sync interrupted between steps after a restart, and keeps the history', async () => {
    const ns = `gt-resume-${run}`;
    commit({ ...prefix('apps/resume', manifests(ns)), ...prefix('apps/resume/svc', service('1.0')) }, 'resume app');
    const first = controller();
    await first.start();
    await createApp('resume', 'apps/resume', ns, {});
    await first.applicationChanged('resume');
    const client = lastClient();
    let stopping: Promise<void> | undefined;
    client.onApply = (object) => {
      if (object.kind === 'ConfigMap') stopping ??= first.stop();
    };
    const record = await first.sync('resume', {}, 'ada');
    await waitFor(() => stopping !== undefined, 'controller stopping');
    await stopping;
    const interrupted = await store.syncs.get(record.id);
    assert.equal(interrupted.status, 'Running');
    assert.equal(interrupted.phase, 'apply');
    assert.equal(await live('Deployment', 'apps/v1', ns, 'svc'), undefined);

    const second = controller();
    await second.start();
    const done = await finished(second, interrupted);
    assert.equal(done.status, 'Succeeded', done.message);
    assert.equal(done.owner, second.owner);
    assert.ok(await live('Deployment', 'apps/v1', ns, 'svc'));
    const app = await store.applications.findByName('resume');
    const history = await store.syncs.listByApp(app?.id ?? '');
    assert.equal(history.length, 1);
    assert.equal(history[0]?.triggeredBy, 'ada');
    assert.ok((history[0]?.finishedAt ?? 0) >= (history[0]?.startedAt ?? Infinity));
  });

  it('a rollout still progressing when the health wait times out fails the sync and is Degraded', async () => {
    const ns = `gt-stuck-${run}`;
    const stuck = { 'values.yaml': 'image:\n  repository: registry.k8s.io/pause\n  tag: "3.10"\n', 'release.yaml': `image:\n  repository: ${stuckImage}\n  tag: "1.0"\n` };
    commit({ ...prefix('apps/stuck', manifests(ns)), ...prefix('apps/stuck/svc', stuck) }, 'stuck app');
    const c = controller({ healthTimeoutMs: 1500 });
    await c.start();
    await createApp('stuck', 'apps/stuck', ns, {});
    const done = await finished(c, await c.sync('stuck', {}, 'ada'));
    assert.equal(done.status, 'Failed');
    assert.match(done.message ?? '', /timed out waiting for health \(Progressing\)/);
    const degraded = await waitFor(async () => {
      await c.reconcile('stuck');
      const s = await status('stuck');
      return s?.health === 'Degraded' ? s : undefined;
    }, 'stuck app Degraded');
    assert.match(degraded.message ?? '', /rollout not healthy when sync 1 stopped waiting/);
  });

  it('the periodic resync applies a commit nobody announced', async () => {
    const ns = `gt-resync-${run}`;
    commit({ ...prefix('apps/resync', manifests(ns)), ...prefix('apps/resync/svc', service('1.0')) }, 'resync app');
    const c = controller({ resyncIntervalMs: 300 });
    await createApp('resync', 'apps/resync', ns, { automated: true });
    await c.start();
    await waitFor(async () => (await status('resync'))?.syncStatus === 'Synced', 'resync app synced');
    commit(prefix('apps/resync/svc', service('2.0')), 'bump without a webhook');
    // No configChanged: only the jittered periodic resync can notice.
    await waitFor(async () => {
      const d = (await live('Deployment', 'apps/v1', ns, 'svc')) as { spec: { template: { spec: { containers: { image: string }[] } } } } | undefined;
      return d?.spec.template.spec.containers[0]?.image.endsWith(':2.0');
    }, 'resync applied 2.0');
  });

  it('after a restart, prunes an object whose kind has left git entirely', async () => {
    const ns = `gt-gone-${run}`;
    // A Role: a kind the controller only watches because this app's git held one.
    const role = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\nrules:\n  - apiGroups: [""]\n    resources: [configmaps]\n    verbs: [get, list]\n';
    commit({ ...prefix('apps/gone', manifests(ns)), 'apps/gone/role.yaml': role }, 'app with a role');
    const first = controller();
    await first.start();
    await createApp('gone', 'apps/gone', ns, {});
    const synced = await finished(first, await first.sync('gone', {}, 'ada'));
    assert.equal(synced.status, 'Succeeded', synced.message);
    await waitFor(async () => (await status('gone'))?.syncStatus === 'Synced', 'gone synced');
    await first.stop();

    remove('apps/gone/role.yaml', 'drop the role');
    const second = controller();
    await second.start();
    await second.configChanged(bare);
    const reported = await waitFor(async () => {
      const s = await status('gone');
      return s?.syncStatus === 'OutOfSync' ? s : undefined;
    }, 'the Role reported as extra');
    assert.match(reported.message ?? '', /Role/);
    const pruned = await finished(second, await second.sync('gone', { prune: true }, 'ada'));
    assert.equal(pruned.status, 'Succeeded', pruned.message);
    await waitFor(async () => (await live('Role', 'rbac.authorization.k8s.io/v1', ns, 'reader')) === undefined, 'Role pruned');
  });
});

function prefix(dir: string, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([path, text]) => [`${dir}/${path}`, text]));
}
