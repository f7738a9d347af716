/**
 * GitOps at scale: `apps` automated, self-healing applications of
 * `objectsPerApp` small objects each (one Deployment, one Service, the rest
 * ConfigMaps, spread over a few namespaces) in one config repository, synced
 * by the controller against the in-process fake API server (and, when
 * TRUNKLINE_TEST_KUBECONFIG is set, that cluster too). Measures:
 * - firstSync: everything Synced and Healthy from `start()` — wall, CPU, peak RSS;
 * - steadyReconcile: `configChanged` (fetch + reconcile of every app) with
 *   nothing changed — wall, CPU, API writes (target 0), RSS;
 * - commitToApplied: an image change committed to one app's folder until the
 *   API server holds the new image (median of `rounds`);
 * - kubectl: `kubectl apply --server-side` of the same manifests against a
 *   fresh fake, and the first-sync / kubectl ratio.
 * The fake runs in a child process (bench/fake-process.ts), a fresh one for
 * each side: CPU and RSS figures are this process's — the controller's —
 * and `childCpuMs` is the CPU of the processes it ran (git, tar) and reaped.
 * Run alone: `./node_modules/.bin/node bench/gitops.ts` (BENCH_GITOPS_APPS
 * scales it, default 1,000 applications × 10 objects).
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync as readProc } from 'node:fs';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitopsController } from '../src/gitops/index.ts';
import { createKubeClient } from '../src/kube/index.ts';
import type { KubeClient } from '../src/kube/index.ts';
import { openStore } from '../src/store/index.ts';
import { toolPath } from '../test/helpers/tools.ts';
import { startFakeProcess } from './fake-process.ts';
import { elapsedMs, summarise } from './stats.ts';

const run = promisify(execFile);
const namespaceCount = 4;
const pollMs = 5;

export interface GitopsBenchOptions {
  apps: number;
  objectsPerApp: number;
  /** Commit-to-applied samples. */
  rounds?: number;
  /** Compare the first sync with `kubectl apply --server-side` (fake only). */
  kubectl?: boolean;
}

/** Counts the requests the controller's client makes, whatever the cluster. */
class CountingClient implements KubeClient {
  readonly inner: KubeClient;
  writes = 0;
  reads = 0;
  constructor(inner: KubeClient) {
    this.inner = inner;
  }
  get defaultNamespace(): string {
    return this.inner.defaultNamespace;
  }
  discover: KubeClient['discover'] = () => this.inner.discover();
  refresh: KubeClient['refresh'] = () => this.inner.refresh();
  apply: KubeClient['apply'] = (object, options) => {
    if (!options.dryRun) this.writes++;
    return this.inner.apply(object, options);
  };
  get: KubeClient['get'] = (ref) => {
    this.reads++;
    return this.inner.get(ref);
  };
  list: KubeClient['list'] = (type, options) => {
    this.reads++;
    return this.inner.list(type, options);
  };
  delete: KubeClient['delete'] = (ref, options) => {
    if (!options?.dryRun) this.writes++;
    return this.inner.delete(ref, options);
  };
  watch: KubeClient['watch'] = (type, options, onEvent, onDone) => this.inner.watch(type, options, onEvent, onDone);
  close: KubeClient['close'] = () => this.inner.close();
}

/** Samples RSS every 50 ms and keeps the peak. */
class RssPeak {
  peak = process.memoryUsage.rss();
  readonly #timer = setInterval(() => this.sample(), 50);
  sample(): number {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
    return rss;
  }
  reset(): void {
    this.peak = process.memoryUsage.rss();
  }
  stop(): void {
    clearInterval(this.#timer);
  }
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return Math.round((used.user + used.system) / 1000);
};
/** CPU ms of this process's children that have been reaped (Linux `/proc/self/stat` cutime + cstime; 0 elsewhere). */
function childCpu(): number {
  try {
    const fields = readProc('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // Fields 16 and 17 of the file (cutime, cstime), in clock ticks of 10 ms.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}
const appName = (i: number) => `app-${String(i).padStart(4, '0')}`;
const image = (tag: string) => `registry.k8s.io/pause:${tag}`;

/** One app's manifests: a Deployment, a Service, then ConfigMaps. */
function appManifests(name: string, namespace: string | undefined, objects: number, tag: string, replicas: number): string {
  const ns = namespace ? `  namespace: ${namespace}\n` : '';
  const docs = [
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n${ns}spec:\n  replicas: ${replicas}\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n      - name: main\n        image: ${image(tag)}\n`,
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${ns}spec:\n  selector:\n    app: ${name}\n  ports:\n  - port: 80\n    targetPort: 8080\n`,
  ];
  for (let k = 2; k < objects; k++) docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-cm-${k}\n${ns}data:\n  key: value-${k}\n  app: ${name}\n`);
  return docs.slice(0, objects).join('---\n');
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function kubectlApply(apps: number, objectsPerApp: number, namespaces: string[]) {
  let kubectl: string;
  try {
    kubectl = toolPath('kubectl');
  } catch {
    return undefined;
  }
  const fake = await startFakeProcess();
  const dir = mkdtempSync(join(tmpdir(), 'tl-bench-kubectl-'));
  try {
    const admin = createKubeClient({ kubeconfig: fake.kubeconfig });
    for (const ns of namespaces) await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { fieldManager: 'bench' });
    await admin.close();
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, fake.kubeconfig);
    const manifests = join(dir, 'manifests');
    mkdirSync(manifests);
    for (let i = 0; i < apps; i++) writeFileSync(join(manifests, `${appName(i)}.yaml`), appManifests(appName(i), namespaces[i % namespaces.length], objectsPerApp, '1.0', 1));
    await fake.resetRequests();
    const before = await fake.objectCount();
    const server = await fake.cpuMs();
    const children = childCpu();
    const started = process.hrtime.bigint();
    await run(kubectl, ['--kubeconfig', kubeconfig, 'apply', '--server-side', '--field-manager=bench', '-f', manifests], { maxBuffer: 64 * 1024 * 1024 });
    const wallMs = Math.round(elapsedMs(started));
    return { wallMs, cpuMs: childCpu() - children, apiServerCpuMs: (await fake.cpuMs()) - server, writes: await fake.writeCount(), objects: (await fake.objectCount()) - before };
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the scenario against one API server (the fake when `kubeconfig` is undefined). */
async function scenario(options: GitopsBenchOptions, kubeconfigFile: string | undefined) {
  const { apps, objectsPerApp } = options;
  const rounds = options.rounds ?? 5;
  const fake = kubeconfigFile ? undefined : await startFakeProcess();
  const kubeconfig = fake ? fake.kubeconfig : readFileSync(kubeconfigFile!, 'utf8');
  // Real clusters run no pods for the bench: zero replicas are healthy at once.
  const replicas = fake ? 1 : 0;
  const tag = randomBytes(3).toString('hex');
  const namespaces = Array.from({ length: namespaceCount }, (_, i) => `bench-${tag}-${i}`);
  const admin = createKubeClient({ kubeconfig });
  const dataDir = mkdtempSync(join(tmpdir(), 'tl-bench-gitops-'));
  const store = await openStore({ path: join(dataDir, 'store.db'), secretKey: randomBytes(32) });
  const rss = new RssPeak();
  let controller: GitopsController | undefined;
  try {
    for (const ns of namespaces) await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { fieldManager: 'bench' });

    // The config repository: one folder per application, one commit.
    const bare = join(dataDir, 'config.git');
    const work = join(dataDir, 'work');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: work, encoding: 'utf8' }).trim();
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    execFileSync('git', ['init', '-q', '-b', 'main', work]);
    git('config', 'user.email', 'bench@trunkline.invalid');
    git('config', 'user.name', 'bench');
    git('remote', 'add', 'origin', bare);
    const write = (i: number, imageTag: string) => {
      mkdirSync(join(work, 'apps', appName(i)), { recursive: true });
      writeFileSync(join(work, 'apps', appName(i), 'manifests.yaml'), appManifests(appName(i), undefined, objectsPerApp, imageTag, replicas));
    };
    for (let i = 0; i < apps; i++) write(i, '1.0');
    git('add', '-A');
    git('commit', '-q', '-m', `${apps} applications`);
    git('push', '-q', 'origin', 'main');

    const clusterId = (await store.clusters.create({ name: 'bench', kubeconfig })).id;
    for (let i = 0; i < apps; i++) {
      await store.applications.create({
        name: appName(i),
        source: { repoUrl: bare, path: `apps/${appName(i)}`, revision: 'main' },
        destination: { clusterId, namespace: namespaces[i % namespaces.length]! },
        syncPolicy: { automated: true, selfHeal: true },
      });
    }
    const names = Array.from({ length: apps }, (_, i) => appName(i));
    let client: CountingClient | undefined;
    const c = new GitopsController({
      store,
      dataDir,
      resyncIntervalMs: 0,
      healthTimeoutMs: 600_000,
      connect: (config) => (client = new CountingClient(createKubeClient({ kubeconfig: config }))),
    });
    controller = c;
    const allHealthy = () => names.every((n) => {
      const a = c.assessment(n);
      return a?.syncStatus === 'Synced' && a.health === 'Healthy';
    });

    // First full sync.
    rss.reset();
    let cpu = process.cpuUsage();
    let children = childCpu();
    let server = (await fake?.cpuMs()) ?? 0;
    let started = process.hrtime.bigint();
    await c.start();
    await until(allHealthy, 'every application Synced and Healthy', 30 * 60_000);
    const firstSync = { wallMs: Math.round(elapsedMs(started)), cpuMs: cpuMs(cpu), childCpuMs: childCpu() - children, ...(fake ? { apiServerCpuMs: (await fake.cpuMs()) - server } : {}), peakRssMb: mb(rss.peak), apiWrites: client?.writes ?? 0 };

    // Steady state: a full reconcile of unchanged applications.
    await fake?.rollouts(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (client) client.writes = client.reads = 0;
    await fake?.resetRequests();
    rss.reset();
    cpu = process.cpuUsage();
    children = childCpu();
    server = (await fake?.cpuMs()) ?? 0;
    started = process.hrtime.bigint();
    await c.configChanged(bare);
    const steadyReconcile = {
      wallMs: Math.round(elapsedMs(started)),
      cpuMs: cpuMs(cpu),
      childCpuMs: childCpu() - children,
      ...(fake ? { apiServerCpuMs: (await fake.cpuMs()) - server } : {}),
      apiWrites: fake ? await fake.writeCount() : (client?.writes ?? 0),
      apiRequests: fake ? await fake.requestCount() : (client?.reads ?? 0) + (client?.writes ?? 0),
      rssMb: mb(rss.sample()),
      peakRssMb: mb(rss.peak),
    };
    await fake?.rollouts(false);

    // Commit-to-applied: one application's image changes.
    const fromCommit: number[] = [];
    const fromTrigger: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const i = (r * 7919) % apps;
      const newTag = `2.${r}`;
      const want = image(newTag);
      const ns = namespaces[i % namespaces.length]!;
      const applied = async () => {
        const d = fake
          ? ((await fake.object({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: appName(i) })) as unknown)
          : await admin.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: appName(i) });
        return (d as { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } } | undefined)?.spec?.template?.spec?.containers?.[0]?.image === want;
      };
      const committed = process.hrtime.bigint();
      write(i, newTag);
      git('commit', '-q', '-a', '-m', `${appName(i)} to ${newTag}`);
      git('push', '-q', 'origin', 'main');
      const triggered = process.hrtime.bigint();
      await c.configChanged(bare);
      await until(applied, `${appName(i)} at ${newTag}`, 120_000);
      fromCommit.push(elapsedMs(committed));
      fromTrigger.push(elapsedMs(triggered));
      await until(allHealthy, 'every application Synced and Healthy again', 120_000);
    }

    return {
      target: fake ? 'fake' : 'TRUNKLINE_TEST_KUBECONFIG',
      apps,
      objectsPerApp,
      objects: apps * objectsPerApp,
      firstSync,
      steadyReconcile,
      commitToApplied: { fromCommitMs: summarise(fromCommit), fromConfigChangedMs: summarise(fromTrigger) },
      namespaces,
    };
  } finally {
    rss.stop();
    await controller?.stop();
    if (!fake) for (const ns of namespaces) await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => undefined);
    await admin.close();
    await store.close();
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function gitopsBench(options: GitopsBenchOptions) {
  const { namespaces, ...fake } = await scenario(options, undefined);
  const kubectl = options.kubectl === false ? undefined : await kubectlApply(options.apps, options.objectsPerApp, namespaces);
  const real = process.env.TRUNKLINE_TEST_KUBECONFIG;
  const cluster = real ? await scenario(options, real) : undefined;
  return {
    fake,
    ...(cluster ? { cluster: { ...cluster, namespaces: undefined } } : {}),
    kubectl: kubectl ? { ...kubectl, firstSyncRatio: Math.round((fake.firstSync.wallMs / kubectl.wallMs) * 100) / 100 } : 'kubectl not available',
    targets: { steadyApiWrites: 0, steadyCpuMs: 1000, steadyRssMb: 300, commitToAppliedMedianMs: 2000, firstSyncToKubectlRatio: 1.3 },
  };
}

if (import.meta.main) {
  const apps = Number(process.env.BENCH_GITOPS_APPS ?? 1000);
  const result = await gitopsBench({ apps, objectsPerApp: 10, rounds: Number(process.env.BENCH_ROUNDS ?? 5) });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
