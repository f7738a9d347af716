import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { ensureAdmin } from '../access/index.ts';
import { AuditLog } from '../audit/index.ts';
import { BuildService, type WorkerTraits } from '../builds/index.ts';
import { ConflictError, messageOf, systemClock, type Clock, type Logger } from '../core/index.ts';
import { BackendPool, knownPipelineTypes } from '../runner/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { Registry } from '../artifacts/index.ts';
import { existsSync } from 'node:fs';
import { GitHost } from '../git/index.ts';
import { Applications, ConfigRepositories, GitopsController } from '../gitops/index.ts';
import { EnvironmentCatalog, EnvironmentService, configRepositorySource, gitFileSource, PreviewService } from '../environments/index.ts';
import type { EnvironmentEvents, PreviewEventSink } from '../environments/index.ts';
import { createKubeClient } from '../kube/index.ts';
import { Notifier } from '../notify/index.ts';
import { createApp } from './app.ts';
import { driftSink, environmentEventSink, previewEventSink } from './delivery-events.ts';
import { notifyBuildOutcomes } from './build-notifications.ts';
import { pipelineConfigSource } from './central-config.ts';
import type { ServerConfig } from './config.ts';
import { startDeliveryMetrics } from './delivery-metrics.ts';
import { Leadership } from './leadership.ts';
import { loadSecretKey } from './secret-key.ts';
import { stageAccessProvider } from './stage-access.ts';
import { version } from './version.ts';

/** The exit status of a leader that lost its lock: its supervisor restarts it as a follower. */
const EXIT_LEADERSHIP_LOST = 75;

export interface RunningServer {
  /** Base URL the server answers on. */
  url: string;
  /** Plaintext admin token when this start created it (first start), else undefined. */
  adminToken: string | undefined;
  adminTokenFile: string;
  close(): Promise<void>;
}

/**
 * Starts everything in one process: store, build worker, HTTP API. Work a
 * previous process left unfinished is settled before new work is taken.
 */
export async function startServer(config: ServerConfig, logger: Logger = pino({ level: config.logLevel })): Promise<RunningServer> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const secretKey = await loadSecretKey(config.secretKey, join(config.dataDir, 'secret.key'));
  const store = await openStore(config.databaseUrl ? { url: config.databaseUrl, secretKey } : { path: join(config.dataDir, 'trunkline.db'), secretKey });
  const adminTokenFile = join(config.dataDir, 'admin.token');
  const admin = await ensureAdmin(store, adminTokenFile);

  // The URL is only known once listening (port 0 picks a free one), and builds need it for links.
  const server = { url: config.publicUrl ?? '', version };
  const audit = new AuditLog({ store });
  const notifier = new Notifier({
    targets: store.notificationTargets,
    deliveries: store.notificationDeliveries,
    jobs: store.jobs,
    logger,
    owner: `notify:${config.runnerName ?? `${hostname()}:${config.dataDir}`}`,
    userAgent: `Trunkline/${version}`,
  });
  const sinks = { audit, notifier, logger, serverUrl: () => server.url };
  const backends = new BackendPool({
    config: { exec: { root: join(config.dataDir, 'runs') }, container: config.container ?? {}, ...(config.kubernetes ? { kubernetes: config.kubernetes } : {}) },
    logger,
  });
  const gitHost = await GitHost.open(join(config.dataDir, 'git'));
  const registry = await Registry.open({ root: join(config.dataDir, 'registry'), logger });
  const builds = new BuildService({
    store,
    config: pipelineConfigSource(config, gitHost),
    logger,
    dataDir: config.dataDir,
    server,
    worker: {
      owner: config.runnerName ?? `${hostname()}:${config.dataDir}`,
      capacity: config.capacity,
      leaseMs: config.leaseMs,
      lostStages: config.lostStages,
      backendFor: (pipeline) => backends.for(pipeline),
      traits: localTraits(store, backends),
      stepTimeoutMs: config.stepTimeoutMs,
      logLimitBytes: config.logLimitBytes,
      stageAccess: await stageAccessProvider(store, server, config.dataDir),
    },
  });
  const builtinPath = (slug: string): string | undefined => {
    const [namespace, name, ...rest] = slug.split('/');
    if (!namespace || !name || rest.length > 0 || !/^[\w.-]+$/.test(namespace + name)) return undefined;
    return gitHost.repos.path(namespace, name);
  };
  const resolveRepo = (slug: string): string | undefined => {
    const path = builtinPath(slug);
    return path !== undefined && existsSync(join(path, 'HEAD')) ? path : undefined;
  };
  // Environments are generated from the config repository on the leader, before its applications reconcile.
  let regenerateEnvironments = async (): Promise<void> => undefined;
  const gitops = new GitopsController({
    store,
    dataDir: config.dataDir,
    resolveRepo,
    logger,
    onDrift: driftSink(sinks, store),
    onConfigChange: async (repo) => {
      if (gitops.sources.sameRepo(repo, config.environmentsRepo)) await regenerateEnvironments();
    },
  });
  await ensureBuiltInRepo(store, gitHost, config.environmentsRepo, config.environmentsBranch);
  const environments = environmentService({ config, store, gitops, registry, logger, server, resolveRepo, events: environmentEventSink(sinks) });
  regenerateEnvironments = async () => {
    await environments.reconcile();
  };
  const configRepos = {
    root: join(config.dataDir, 'gitops', 'releases'),
    resolve: (repo: string) => resolveRepo(repo) ?? repo,
    changed: (repo: string) => gitops.configChanged(repo),
  };
  const applications = new Applications({ store, controller: gitops });
  const metrics = startDeliveryMetrics({ store, builds, config: config.metrics, logger });
  notifyBuildOutcomes(builds, store, notifier, server, logger);
  const previews = startPreviews(config, { store, builds, gitops, applications, resolveRepo, builtinPath, logger, clock: systemClock, events: previewEventSink(sinks) });
  const timers: NodeJS.Timeout[] = [];
  const leadership = new Leadership(store.locks, {
    lock: 'gitops-controller',
    retryMs: config.leaderRetryMs,
    logger,
    // Housekeeping over shared state runs once, on the leader: two collectors over one
    // registry folder could remove a blob another replica has just received.
    onElected: async () => {
      await environments.reconcile().catch((error: unknown) => logger.warn({ err: error }, 'generated applications not reconciled'));
      await gitops.start();
      await previews.start(config.previewIntervalMs);
      timers.push(collectGarbagePeriodically(registry, logger), pruneAuditPeriodically(audit, config.auditRetentionDays, logger));
    },
    onLost: () => process.exit(EXIT_LEADERSHIP_LOST),
  });
  const app = createApp({ store, builds, gitHost, registry, applications, notifier, audit, previews, environments, configRepos, metrics, server, leadership, logger, version });
  const address = await app.listen({ host: config.host, port: config.port });
  server.url = config.publicUrl ?? address;
  await builds.start();
  await leadership.start();
  notifier.start();
  logger.info({ url: server.url, dataDir: config.dataDir }, 'trunkline is listening');

  return {
    url: server.url,
    adminToken: admin.created ? admin.token : undefined,
    adminTokenFile,
    async close() {
      for (const timer of timers) clearInterval(timer);
      await leadership.stop();
      await previews.stop();
      await notifier.stop();
      await gitops.stop();
      await builds.stop();
      await metrics.close();
      await app.close();
      await store.close();
    },
  };
}

/** Unreferenced registry blobs and abandoned uploads are removed hourly. */
function collectGarbagePeriodically(registry: Registry, logger: Logger): NodeJS.Timeout {
  const timer = setInterval(() => {
    registry.collectGarbage().then(
      (report) => logger.info(report, 'registry garbage collected'),
      (error: unknown) => logger.error({ err: error }, 'registry garbage collection failed'),
    );
  }, 60 * 60 * 1000);
  timer.unref();
  return timer;
}

/**
 * The local worker's types: with no remote runner registered, every type
 * (a pipeline no backend here runs then errors with the reason at once);
 * with runners, only the types this machine's backends run, leaving the
 * rest to them.
 */
function localTraits(store: Store, backends: BackendPool): () => Promise<WorkerTraits> {
  return async () => ({ types: (await store.runners.count()) > 0 ? backends.types() : [...new Set([...backends.types(), ...knownPipelineTypes])] });
}

/** Audit entries past their retention are pruned at start and daily after. */
function pruneAuditPeriodically(audit: AuditLog, retentionDays: number, logger: Logger): NodeJS.Timeout {
  const prune = (): void => {
    audit.prune(retentionDays).then(
      (report) => {
        if (report.removed > 0) logger.info(report, 'audit entries past retention pruned');
      },
      (error: unknown) => logger.error({ err: error }, 'audit pruning failed'),
    );
  };
  prune();
  const timer = setInterval(prune, 24 * 60 * 60 * 1000);
  timer.unref();
  return timer;
}

/**
 * Previews follow every branch event of every repository; their events go to
 * the audit log and notifications.
 */
function startPreviews(
  config: ServerConfig,
  parts: {
    store: Awaited<ReturnType<typeof openStore>>;
    builds: BuildService;
    gitops: GitopsController;
    applications: Applications;
    resolveRepo: (slug: string) => string | undefined;
    builtinPath: (slug: string) => string | undefined;
    logger: Logger;
    clock: Clock;
    events: PreviewEventSink;
  },
): PreviewService {
  const { store, builds, gitops, applications, resolveRepo, builtinPath, logger, clock, events } = parts;
  const repoUrl = config.environmentsRepo;
  // A built-in repository may be created after start: its path is known before it exists.
  const remote = builtinPath(repoUrl) ?? repoUrl;
  const previews = new PreviewService({
    store,
    environments: new EnvironmentCatalog({ source: gitFileSource(() => resolveRepo(repoUrl), config.environmentsBranch), logger }),
    configRepo: new ConfigRepositories(join(config.dataDir, 'previews', 'writeback'), { logger }).get(remote, { branch: config.environmentsBranch }),
    configRepoUrl: repoUrl,
    configChanged: () => gitops.configChanged(repoUrl),
    applications,
    connect: (kubeconfig) => createKubeClient({ kubeconfig, logger }),
    events,
    logger: logger.child({ component: 'previews' }),
    clock,
    workDir: join(config.dataDir, 'previews'),
    provisionerTimeoutMs: config.previewProvisionerTimeoutMs,
  });
  builds.onGitEvent((event) => {
    previews.handleGitEvent(event).catch((error: unknown) => logger.error({ err: messageOf(error), ref: event.ref }, 'preview could not follow the git event'));
  });
  return previews;
}

/** A built-in `namespace/name` repository that does not exist yet is created empty (a URL or path is left alone). */
async function ensureBuiltInRepo(store: Store, gitHost: GitHost, slug: string, branch: string): Promise<void> {
  const [namespace, name, ...rest] = slug.split('/');
  if (!namespace || !name || rest.length > 0 || slug.includes(':') || slug.startsWith('.')) return;
  if (await store.repos.find(namespace, name)) return;
  // A replica starting at the same time may win the race; it then creates the repository.
  const repo = await store.repos
    .create({ namespace, name, defaultBranch: branch, provider: 'builtin', cloneUrl: gitHost.repos.path(namespace, name) })
    .catch((error: unknown) => {
      if (error instanceof ConflictError) return undefined;
      throw error;
    });
  if (repo) await gitHost.repos.create(namespace, name, repo.defaultBranch);
}

/** Environments over the config repository; their events go to the audit log and notifications. */
function environmentService(options: {
  config: ServerConfig;
  store: Store;
  gitops: GitopsController;
  registry: Registry;
  logger: Logger;
  server: { url: string };
  resolveRepo: (slug: string) => string | undefined;
  events: EnvironmentEvents;
}): EnvironmentService {
  const { config, store, gitops, registry, logger, server, resolveRepo, events } = options;
  const remote = resolveRepo(config.environmentsRepo) ?? config.environmentsRepo;
  const repository = new ConfigRepositories(join(config.dataDir, 'gitops', 'environments'), { logger }).get(remote, { branch: config.environmentsBranch });
  return new EnvironmentService({
    store,
    catalog: new EnvironmentCatalog({ source: configRepositorySource(repository), logger }),
    controller: gitops,
    config: { url: config.environmentsRepo, branch: config.environmentsBranch, repository },
    sourceRepoDir: (slug) => resolveRepo(slug),
    resolveDigest: async (imageRepository, tag) => {
      const name = imageRepository.split('/').slice(1).join('/');
      return (await registry.getManifest(name, tag).catch(() => undefined))?.digest;
    },
    serverUrl: () => server.url,
    events,
    logger,
    clock: systemClock,
  });
}
