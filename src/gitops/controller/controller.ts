/**
 * The GitOps controller: keeps every application's status current from the
 * clusters' live caches and the config repositories, syncs automated
 * applications when they drift from git (a new revision, or — with
 * self-heal — a change made in the cluster), runs syncs as resumable state
 * machines, and rolls back by reverting the config repository.
 *
 * Triggers: a cache event for an app's object, `configChanged(repoUrl)`
 * after a push or webhook, and a periodic full resync with jitter. One
 * reconcile per application runs at a time (a trigger during one reruns it
 * once after). Single process: syncs left Pending/Running by a previous
 * run are resumed at `start()`.
 *
 * Scale: reconciles and sync steps of all applications run side by side,
 * at most `concurrency` of each at once (renders are batched before that
 * bound, so that folders of many applications unpack together); the kube
 * client bounds the requests in flight per cluster.
 */
import { join } from 'node:path';
import { ConflictError, Limiter, NotFoundError, messageOf, newId, silentLogger, systemClock } from '../../core/index.ts';
import type { Clock, Logger } from '../../core/index.ts';
import { createKubeClient } from '../../kube/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import { ClusterCache } from '../cache/cluster-cache.ts';
import type { ApplicationRecord, GitopsStore, HeldLock, SyncRecord } from '../contract.ts';
import type { HealthRegistry } from '../health/index.ts';
import { ConfigSources } from '../source/config-sources.ts';
import { advanceSync, isFinished } from '../sync/advance.ts';
import type { SyncContext } from '../sync/advance.ts';
import { ConfigRepositories, defaultIdentity, revertTo } from '../writeback/index.ts';
import type { Identity } from '../writeback/index.ts';
import { assess, desiredOf } from './assess.ts';
import { predictSync } from './predict.ts';
import type { Prediction } from './predict.ts';
import type { Assessment } from './assess.ts';

export interface GitopsControllerOptions {
  store: GitopsStore;
  /** Where config-repository mirrors and write-back copies live. */
  dataDir: string;
  /** A built-in repository's `namespace/name` → its bare repository path. */
  resolveRepo?: (repoUrl: string) => string | undefined;
  logger?: Logger;
  clock?: Clock;
  kubectl?: string;
  helm?: string;
  registry?: HealthRegistry;
  /** Full resync period (default 3 minutes, ±10 % jitter); 0 turns it off. */
  resyncIntervalMs?: number;
  /** Sync health wait limit (default 5 minutes). */
  healthTimeoutMs?: number;
  /** First retry delay of a failed sync step (default 1 s, doubling). */
  retryDelayMs?: number;
  /** Least time between self-heal syncs of one application (default 3 s), so that a fight with another controller cannot spin. */
  selfHealBackoffMs?: number;
  /** Who rollback commits are made as. */
  identity?: Identity;
  /** Told when an application drifts: Synced at a revision, then OutOfSync at the same one (the cluster changed). */
  onDrift?: (drift: DriftEvent) => void;
  /** Builds the client of a cluster (default: the kube module's client). */
  connect?: (kubeconfig: string | { inCluster: true }) => KubeClient;
  /** Reconciles, and sync steps, running at once across applications (default 32 each). */
  concurrency?: number;
  /** Runs on the leading controller when a config repository changed, before its applications are reconciled. */
  onConfigChange?: (repoUrl: string) => Promise<void>;
}

/** Where controllers that do not lead tell the leader what changed. */
const CHANGES_CHANNEL = 'trunkline.gitops.changes';

/** The lock a controller holds while it lives, so another can tell whether a sync's owner is still running it. */
function ownerLock(owner: string): string {
  return `gitops-sync-owner:${owner}`;
}

export interface DriftEvent {
  app: string;
  revision: string;
  /** `key (state)` of the objects that differ. */
  drifted: string[];
  /** True when the controller reverts it itself. */
  selfHeal: boolean;
}

export interface SyncRequest {
  dryRun?: boolean;
  prune?: boolean;
  force?: boolean;
  /** A branch, tag or commit; the application's revision when absent. */
  revision?: string;
  reason?: string;
}

export interface RollbackResult {
  /** The revert commit (the current tip when the path already matched). */
  commit: string | undefined;
  /** Commits the revert undid, newest first. */
  reverted: string[];
  sync: SyncRecord;
}

interface Slot {
  running: boolean;
  again: boolean;
  done: Promise<void>;
}

export class GitopsController {
  readonly owner: string;
  readonly #options: GitopsControllerOptions;
  readonly #store: GitopsStore;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly sources: ConfigSources;
  readonly #configRepos: ConfigRepositories;
  readonly #clusters = new Map<string, Promise<ClusterCache>>();
  readonly #slots = new Map<string, Slot>();
  readonly #lastStatus = new Map<string, string>();
  readonly #kindsRestored = new Set<string>();
  readonly #assessments = new Map<string, Assessment>();
  readonly #runs = new Map<string, Promise<SyncRecord>>();
  /** Applications with a sync running in this process (by id): `#runs` keyed for a quick check. */
  readonly #running = new Map<string, number>();
  readonly #reconciles: Limiter;
  readonly #steps: Limiter;
  readonly #wakers = new Map<string, Set<() => void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #resyncTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  #leading = false;
  #alive: Promise<HeldLock | undefined> | undefined;
  #unsubscribe: (() => Promise<void>) | undefined;

  constructor(options: GitopsControllerOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.owner = `controller-${newId()}`;
    this.sources = new ConfigSources({ dir: join(options.dataDir, 'gitops', 'mirrors'), resolveRepo: options.resolveRepo, kubectl: options.kubectl, helm: options.helm });
    this.#configRepos = new ConfigRepositories(join(options.dataDir, 'gitops', 'writeback'), { logger: this.#logger });
    this.#reconciles = new Limiter(options.concurrency ?? 32);
    this.#steps = new Limiter(options.concurrency ?? 32);
  }

  /**
   * Takes the lead: from now on this controller writes statuses, syncs
   * automatically and hears what other servers' controllers changed. It
   * resumes unfinished syncs whose owner is gone (its liveness lock is free),
   * reconciles every application and starts the periodic resync. Several
   * servers construct a controller each; only the one elected runs `start`.
   */
  async start(): Promise<void> {
    this.#leading = true;
    await this.#holdAlive();
    this.#unsubscribe = await this.#store.signals.subscribe(CHANGES_CHANNEL, (payload) => void this.#heard(payload));
    for (const record of await this.#store.syncs.listByStatus(['Pending', 'Running'])) {
      if (!(await this.#orphaned(record))) continue;
      const app = await this.#store.applications.get(record.appId).catch(() => undefined);
      if (!app) continue;
      const owned = await this.#store.syncs.update(record.id, { owner: this.owner }, { ifStatus: ['Pending', 'Running'] }).catch(() => undefined);
      if (owned) {
        this.#logger.info({ app: app.name, sync: record.number, phase: record.phase, previousOwner: record.owner }, 'resuming sync');
        this.#launch(app, owned);
      }
    }
    await Promise.all((await this.#store.applications.list()).map((app) => this.#kick(app.name)));
    this.#scheduleResync();
  }

  /** Whether this controller leads (its `start` ran). */
  get leading(): boolean {
    return this.#leading;
  }

  /** A sync not running in this process whose owner no longer holds its liveness lock. */
  async #orphaned(record: SyncRecord): Promise<boolean> {
    if (record.owner === this.owner) return false;
    if (record.owner === undefined) return true;
    const lock = await this.#store.locks.tryAcquire(ownerLock(record.owner));
    if (!lock) return false;
    await lock.release();
    return true;
  }

  #holdAlive(): Promise<HeldLock | undefined> {
    this.#alive ??= this.#store.locks.tryAcquire(ownerLock(this.owner));
    return this.#alive;
  }

  async #heard(payload: string): Promise<void> {
    try {
      const change = JSON.parse(payload) as { app?: unknown; repo?: unknown };
      if (typeof change.app === 'string') await this.applicationChanged(change.app);
      if (typeof change.repo === 'string') await this.configChanged(change.repo);
    } catch (error) {
      this.#logger.warn({ err: messageOf(error) }, 'a change another server announced could not be handled');
    }
  }

  /** Tells the leading controller (possibly in another server) about a change. */
  async #announce(change: { app: string } | { repo: string }): Promise<void> {
    await this.#store.signals.publish(CHANGES_CHANNEL, JSON.stringify(change));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#unsubscribe?.().catch(() => undefined);
    if (this.#resyncTimer) clearTimeout(this.#resyncTimer);
    for (const timer of this.#timers) clearTimeout(timer);
    for (const wakers of this.#wakers.values()) for (const wake of wakers) wake();
    await Promise.allSettled([...this.#runs.values()]);
    await Promise.allSettled([...this.#slots.values()].map((s) => s.done));
    const caches = await Promise.allSettled([...this.#clusters.values()]);
    this.#clusters.clear();
    await Promise.all(caches.map((c) => (c.status === 'fulfilled' ? c.value.stop() : undefined)));
    await (await this.#alive?.catch(() => undefined))?.release();
  }

  // ── triggers ──────────────────────────────────────────────────────────

  /** The config repository changed (a push to the built-in host, a webhook): fetch it and reconcile its applications now. */
  async configChanged(repoUrl: string): Promise<void> {
    if (!this.#leading) return this.#announce({ repo: repoUrl });
    await this.#options.onConfigChange?.(repoUrl);
    const apps = (await this.#store.applications.list()).filter((app) => this.sources.sameRepo(app.source.repoUrl, repoUrl));
    if (apps.length === 0) return;
    await this.sources.refresh(apps[0]?.source.repoUrl ?? repoUrl).catch((error: unknown) => this.#logger.warn({ err: messageOf(error), repoUrl }, 'config repository fetch failed'));
    await Promise.all(apps.map((app) => this.#kick(app.name)));
  }

  /** An application was created or changed: reconcile it now. */
  async applicationChanged(name: string): Promise<void> {
    if (!this.#leading) return this.#announce({ app: name });
    this.#lastStatus.delete(name);
    await this.#kick(name);
  }

  /** A cluster's credentials changed or it was deleted: drop its cache (rebuilt on next use). */
  async clusterChanged(clusterId: string): Promise<void> {
    const cache = this.#clusters.get(clusterId);
    this.#clusters.delete(clusterId);
    if (cache) await (await cache.catch(() => undefined))?.stop();
  }

  /** Reconciles one application now and returns what it found. */
  async reconcile(name: string): Promise<Assessment | undefined> {
    await this.#kick(name);
    return this.#assessments.get(name);
  }

  /**
   * What a sync would do, exactly, as the API server answers a server-side
   * apply dry run of every desired object (see `predict.ts`).
   */
  async predict(name: string, options: { force?: boolean } = {}): Promise<Prediction[]> {
    const app = await this.#store.applications.findByName(name);
    if (!app) throw new NotFoundError(`no application "${name}"`);
    const assessment = await this.reconcile(name);
    if (!assessment) throw new ConflictError(`application "${name}" could not be assessed: ${(await this.#store.applicationStatus.get(app.id))?.message ?? 'see its status'}`);
    const cache = await this.#cluster(app.destination.clusterId);
    return predictSync(app, assessment, cache.client, options);
  }

  /** The last assessment of an application in this process (resources with their diffs). */
  assessment(name: string): Assessment | undefined {
    return this.#assessments.get(name);
  }

  #scheduleResync(): void {
    const every = this.#options.resyncIntervalMs ?? 180_000;
    if (every <= 0 || this.#stopped) return;
    const delay = every * (0.9 + Math.random() * 0.2);
    this.#resyncTimer = setTimeout(() => {
      void this.#resync().finally(() => this.#scheduleResync());
    }, delay);
    this.#resyncTimer.unref();
  }

  async #resync(): Promise<void> {
    const apps = await this.#store.applications.list();
    const remotes = new Map(apps.map((app) => [this.sources.remoteOf(app.source.repoUrl), app.source.repoUrl]));
    await Promise.all([...remotes.values()].map((url) => this.sources.refresh(url).catch((error: unknown) => this.#logger.warn({ err: messageOf(error), url }, 'config repository fetch failed'))));
    await Promise.all(apps.map((app) => this.#kick(app.name)));
  }

  // ── reconcile ─────────────────────────────────────────────────────────

  #kick(name: string): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    let slot = this.#slots.get(name);
    if (slot?.running) {
      slot.again = true;
      return slot.done;
    }
    slot = { running: true, again: false, done: Promise.resolve() };
    this.#slots.set(name, slot);
    const current = slot;
    current.done = (async () => {
      try {
        do {
          current.again = false;
          await this.#reconcileNow(name).catch((error: unknown) => this.#logger.error({ err: messageOf(error), app: name }, 'reconcile failed'));
        } while (current.again && !this.#stopped);
      } finally {
        current.running = false;
      }
    })();
    return current.done;
  }

  async #cluster(clusterId: string): Promise<ClusterCache> {
    let cache = this.#clusters.get(clusterId);
    if (!cache) {
      cache = (async () => {
        const record = await this.#store.clusters.get(clusterId);
        const kubeconfig = record.inCluster ? { inCluster: true as const } : await this.#store.clusters.revealKubeconfig(clusterId);
        if (kubeconfig === undefined) throw new NotFoundError(`cluster "${record.name}" has no credentials`);
        const client = this.#options.connect ? this.#options.connect(kubeconfig) : createKubeClient({ kubeconfig, logger: this.#logger.child({ cluster: record.name }) });
        const clusterCache = new ClusterCache(client, { logger: this.#logger.child({ cluster: record.name }) });
        clusterCache.subscribe((appName) => {
          this.#wake(appName);
          void this.#kick(appName);
        });
        await clusterCache.start();
        return clusterCache;
      })();
      this.#clusters.set(clusterId, cache);
      cache.catch(() => {
        if (this.#clusters.get(clusterId) === cache) this.#clusters.delete(clusterId);
      });
    }
    return cache;
  }

  async #reconcileNow(name: string): Promise<void> {
    const app = await this.#store.applications.findByName(name);
    if (!app) {
      this.#assessments.delete(name);
      this.#lastStatus.delete(name);
      this.#kindsRestored.delete(name);
      return;
    }
    let assessment: Assessment;
    try {
      const [cache, desired] = await Promise.all([
        this.#cluster(app.destination.clusterId),
        this.sources.resolve(app.source.repoUrl, app.source.revision).then(async (commit) => ({ commit, objects: await desiredOf(app, this.sources, commit) })),
      ]);
      await cache.watch([...desired.objects, ...(await this.#kindsLastSeen(app))]);
      assessment = await this.#rolloutDeadline(app, assess(app, desired.commit, desired.objects, cache, this.#options.registry));
    } catch (error) {
      this.#assessments.delete(name);
      await this.#reconciles.run(() => this.#writeStatus(app, { syncStatus: 'Unknown', health: 'Unknown', message: messageOf(error), resources: [] }));
      return;
    }
    await this.#reconciles.run(() => this.#act(app, assessment));
  }

  /** Records what a reconcile found and starts an automatic sync when due. */
  async #act(app: ApplicationRecord, assessment: Assessment): Promise<void> {
    const name = app.name;
    this.#assessments.set(name, assessment);
    // Only the leader records statuses and acts; another server's controller assesses for its API callers.
    if (!this.#leading) return;
    const previous = await this.#writeStatus(app, {
      syncStatus: assessment.syncStatus,
      health: assessment.health,
      revision: assessment.commit,
      message: assessment.message,
      resources: assessment.resources,
    });
    // Synced a moment ago at this same revision: the cluster changed, not git.
    if (previous?.syncStatus === 'Synced' && assessment.syncStatus === 'OutOfSync' && previous.revision === assessment.commit) {
      this.#options.onDrift?.({ app: app.name, revision: assessment.commit, drifted: assessment.resources.filter((r) => r.state !== 'same').map((r) => `${r.key} (${r.state})`), selfHeal: app.syncPolicy.automated && app.syncPolicy.selfHeal });
    }
    if (assessment.syncStatus === 'OutOfSync' && app.syncPolicy.automated) await this.#autoSync(app, assessment);
  }

  /**
   * Kinds the app's stored status listed, read once per app in this process:
   * after a restart, a kind that has since left git is still watched, so its
   * objects show as extra and can be pruned.
   */
  async #kindsLastSeen(app: ApplicationRecord): Promise<{ apiVersion: string; kind: string }[]> {
    if (this.#kindsRestored.has(app.name)) return [];
    this.#kindsRestored.add(app.name);
    const stored = await this.#store.applicationStatus.get(app.id);
    const resources = Array.isArray(stored?.resources) ? (stored.resources as unknown[]) : [];
    const kinds = new Map<string, { apiVersion: string; kind: string }>();
    for (const r of resources) {
      const { apiVersion, kind } = (r ?? {}) as { apiVersion?: unknown; kind?: unknown };
      if (typeof apiVersion === 'string' && typeof kind === 'string') kinds.set(`${apiVersion}/${kind}`, { apiVersion, kind });
    }
    return [...kinds.values()];
  }

  /**
   * A rollout still progressing after its sync stopped waiting (the health
   * timeout) is Degraded, as `kubectl rollout status` gives up: the last
   * sync of this revision says so. Only read while something progresses.
   */
  async #rolloutDeadline(app: ApplicationRecord, assessment: Assessment): Promise<Assessment> {
    if (assessment.health !== 'Progressing') return assessment;
    const last = (await this.#store.syncs.listByApp(app.id, { limit: 5 })).find((s) => !s.dryRun);
    if (!last || last.revision !== assessment.commit || (last.state as { healthTimedOut?: boolean } | null)?.healthTimedOut !== true) return assessment;
    return { ...assessment, health: 'Degraded', message: `${assessment.message ? `${assessment.message}; ` : ''}rollout not healthy when sync ${last.number} stopped waiting: ${last.message ?? ''}`.trim() };
  }

  /**
   * Stores the status only when it differs from the last one written: an
   * unchanged app costs no write. Returns the sync status and revision it
   * replaced (undefined when unchanged or never written).
   */
  async #writeStatus(
    app: ApplicationRecord,
    status: { syncStatus: 'Synced' | 'OutOfSync' | 'Unknown'; health: Assessment['health']; revision?: string; message: string; resources: unknown },
  ): Promise<{ syncStatus: string; revision: string | null } | undefined> {
    const fingerprint = JSON.stringify([status.syncStatus, status.health, status.revision ?? null, status.message, status.resources]);
    let last = this.#lastStatus.get(app.name);
    if (last === undefined) {
      const stored = await this.#store.applicationStatus.get(app.id);
      if (stored) last = JSON.stringify([stored.syncStatus, stored.health, stored.revision ?? null, stored.message ?? '', stored.resources]);
    }
    if (last === fingerprint) {
      this.#lastStatus.set(app.name, fingerprint);
      return undefined;
    }
    await this.#store.applicationStatus.set(app.id, { ...status, observedAt: this.#clock.now() });
    this.#lastStatus.set(app.name, fingerprint);
    if (last === undefined) return undefined;
    const [syncStatus, , revision] = JSON.parse(last) as [string, string, string | null];
    return { syncStatus, revision };
  }

  async #autoSync(app: ApplicationRecord, assessment: Assessment): Promise<void> {
    if (this.#activeRun(app.id)) return;
    const recent = await this.#store.syncs.listByApp(app.id, { limit: 10 });
    if (recent.some((s) => !isFinished(s))) return;
    const last = recent.find((s) => !s.dryRun);
    if (last?.revision !== assessment.commit) {
      await this.#startSync(app, { revision: assessment.commit, reason: `new revision ${assessment.commit.slice(0, 8)}` }, '@auto').catch((error: unknown) => this.#ignoreBusy(error));
      return;
    }
    // Same revision: the cluster drifted (or the last sync failed). Only self-heal reverts it.
    if (!app.syncPolicy.selfHeal) return;
    const backoff = this.#options.selfHealBackoffMs ?? 3000;
    const since = this.#clock.now() - (last.finishedAt ?? last.updatedAt);
    if (since < backoff) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        void this.#kick(app.name);
      }, backoff - since);
      this.#timers.add(timer);
      return;
    }
    const drifted = assessment.resources.filter((r) => r.state !== 'same').map((r) => `${r.key} (${r.state})`);
    // Self-heal takes back fields another manager changed: git wins.
    await this.#startSync(app, { revision: assessment.commit, force: true, reason: `self-heal: ${drifted.slice(0, 5).join(', ')}` }, '@self-heal').catch((error: unknown) => this.#ignoreBusy(error));
  }

  #ignoreBusy(error: unknown): void {
    if (!(error instanceof ConflictError)) this.#logger.error({ err: messageOf(error) }, 'automatic sync failed to start');
  }

  #activeRun(appId: string): boolean {
    return (this.#running.get(appId) ?? 0) > 0;
  }

  // ── syncs ─────────────────────────────────────────────────────────────

  /** Starts a sync of the application and returns its record at once; `ConflictError` while another runs. */
  async sync(name: string, request: SyncRequest, by: string): Promise<SyncRecord> {
    const app = await this.#store.applications.findByName(name);
    if (!app) throw new NotFoundError(`no application "${name}"`);
    return this.#startSync(app, request, by);
  }

  /** Resolves with the sync's final record once it finishes in this process (or its current record if it does not run here). */
  async waitForSync(id: string): Promise<SyncRecord> {
    for (const [key, run] of this.#runs) if (key.endsWith(`:${id}`)) return run;
    return this.#store.syncs.get(id);
  }

  async #startSync(app: ApplicationRecord, request: SyncRequest, by: string): Promise<SyncRecord> {
    await this.#holdAlive();
    if (this.#activeRun(app.id)) throw new ConflictError(`a sync of "${app.name}" is already running`);
    const latest = await this.#store.syncs.latest(app.id);
    if (latest && !isFinished(latest)) throw new ConflictError(`sync #${latest.number} of "${app.name}" is still ${latest.status}`);
    const commit = await this.sources.resolve(app.source.repoUrl, request.revision ?? app.source.revision);
    const record = await this.#store.syncs.create(app.id, {
      revision: commit,
      status: 'Pending',
      phase: 'plan',
      dryRun: request.dryRun ?? false,
      prune: request.prune ?? app.syncPolicy.prune,
      force: request.force ?? app.syncPolicy.force,
      triggeredBy: by,
      ...(request.reason ? { reason: request.reason } : {}),
      owner: this.owner,
    });
    this.#launch(app, record);
    return record;
  }

  #launch(app: ApplicationRecord, record: SyncRecord): void {
    const key = `${app.id}:${record.id}`;
    this.#running.set(app.id, (this.#running.get(app.id) ?? 0) + 1);
    const run = this.#drive(app, record).finally(() => {
      this.#runs.delete(key);
      const left = (this.#running.get(app.id) ?? 1) - 1;
      if (left > 0) this.#running.set(app.id, left);
      else this.#running.delete(app.id);
      void this.#kick(app.name);
    });
    this.#runs.set(key, run);
  }

  /** Advances the sync step by step until it finishes or the controller stops (the state is stored after each step). */
  async #drive(app: ApplicationRecord, record: SyncRecord): Promise<SyncRecord> {
    let current = record;
    try {
      const cache = await this.#cluster(app.destination.clusterId);
      const ctx: SyncContext = {
        store: this.#store,
        app,
        cache,
        sources: this.sources,
        clock: this.#clock,
        healthTimeoutMs: this.#options.healthTimeoutMs,
        retryDelayMs: this.#options.retryDelayMs,
        registry: this.#options.registry,
      };
      while (!isFinished(current) && !this.#stopped) {
        const step = current;
        const next = await this.#steps.run(() => advanceSync(ctx, step));
        if (next === current) await this.#pause(app.name, current);
        current = next;
      }
    } catch (error) {
      if (this.#stopped) return current;
      this.#logger.error({ err: messageOf(error), app: app.name, sync: record.number }, 'sync failed');
      current = await this.#store.syncs
        .update(record.id, { status: 'Failed', phase: 'done', message: messageOf(error) }, { ifStatus: ['Pending', 'Running'] })
        .catch(() => this.#store.syncs.get(record.id));
    }
    return current;
  }

  /** Waits for a change of one of the app's objects, its retry time, or at most a second. */
  #pause(appName: string, record: SyncRecord): Promise<void> {
    const state = record.state as { retryAt?: number } | undefined;
    const until = state?.retryAt !== undefined ? Math.max(0, state.retryAt - this.#clock.now()) : 1000;
    return new Promise<void>((resolve) => {
      let wakers = this.#wakers.get(appName);
      if (!wakers) this.#wakers.set(appName, (wakers = new Set()));
      const set = wakers;
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(until, 1000));
      set.add(done);
    });
  }

  #wake(appName: string): void {
    for (const wake of this.#wakers.get(appName) ?? []) wake();
  }

  // ── rollback ──────────────────────────────────────────────────────────

  /**
   * Reverts the application's folder in the config repository to
   * `revision` (a new commit, history kept) and syncs it. Works with
   * automated sync on: the revert is the new desired state.
   */
  async rollback(name: string, revision: string, by: string): Promise<RollbackResult> {
    const app = await this.#store.applications.findByName(name);
    if (!app) throw new NotFoundError(`no application "${name}"`);
    const repo = this.#configRepos.get(this.sources.remoteOf(app.source.repoUrl), { branch: app.source.revision });
    const reverted = await revertTo({ repo, revision, path: app.source.path, reason: `rollback of ${app.name} requested by ${by}`, identity: this.#options.identity ?? defaultIdentity });
    await this.sources.refresh(app.source.repoUrl);
    let sync: SyncRecord;
    try {
      sync = await this.#startSync(app, { reason: `rollback to ${revision.slice(0, 12)}` }, by);
    } catch (error) {
      // An automatic sync of the revert may have started first: that one is the rollback's sync.
      if (!(error instanceof ConflictError)) throw error;
      const latest = await this.#store.syncs.latest(app.id);
      if (!latest) throw error;
      sync = latest;
    }
    return { commit: reverted.commit, reverted: reverted.reverted, sync };
  }
}

