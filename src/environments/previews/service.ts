/**
 * The preview lifecycle. Git events of every repository arrive through
 * `handleGitEvent`: a branch matching a preview environment's pattern gets a
 * preview on its first push (recorded `creating`, then provisioned); the
 * branch build's `trunkline release` is diverted here (`release`), which
 * writes the service's folder cloned from `from` and creates its automated
 * application; `tick` marks previews `ready` once every application is
 * Synced and Healthy and tears down those idle past their TTL; a deleted
 * branch or `remove` tears one down. Work on one preview runs one step at a
 * time; state is in the store, so `start` resumes what a crash interrupted.
 */
import { ConflictError, ForbiddenError, NotFoundError, messageOf } from '../../core/index.ts';
import type { GitEvent } from '../../git/index.ts';
import { defaultIdentity, serviceFolder } from '../../gitops/index.ts';
import type { PreviewRecord, PreviewRemovalReason } from '../../store/index.ts';
import type { Environment } from '../config/index.ts';
import type { PreviewDeps } from './deps.ts';
import type { PreviewEvent } from './events.ts';
import { previewFolderEntries } from './folder.ts';
import type { PreviewRelease } from './folder.ts';
import { checkNotProtected, checkTeardown } from './guards.ts';
import { previewApplication, previewEnvironmentFor, previewHost, previewTarget, previewUrl } from './naming.ts';
import type { PreviewTarget } from './naming.ts';
import { provision } from './provision.ts';
import { teardown } from './teardown.ts';

/** A preview as the API shows it (the contract of `GET /api/previews`). */
export interface PreviewView {
  name: string;
  repo: string;
  branch: string;
  service: string;
  services: string[];
  environment: string;
  cluster: string | null;
  namespace: string;
  url: string | null;
  imageTag: string | null;
  createdAt: string;
  lastPushAt: string;
  expiresAt: string | null;
  status: 'creating' | 'ready' | 'failed' | 'removing';
  message: string | null;
}

export interface PreviewReleaseRequest extends PreviewRelease {
  repo: string;
  branch: string;
  commit?: string;
  build?: { url?: string };
  by: string;
}

export interface PreviewReleaseResult {
  preview: string;
  commit: string | undefined;
  changed: string[];
  url: string | null;
}

const isZero = (sha: string) => /^0*$/.test(sha);

export class PreviewService {
  readonly #deps: PreviewDeps;
  readonly #locks = new Map<string, Promise<unknown>>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<unknown> | undefined;

  constructor(deps: PreviewDeps) {
    this.#deps = deps;
  }

  /** Resumes previews a crash left `creating` or `removing`, then checks readiness and TTLs every `intervalMs` (0: never). */
  async start(intervalMs: number): Promise<void> {
    const { store } = this.#deps;
    for (const record of await store.previews.list(['creating', 'removing'])) {
      await this.#serial(record.name, async () => {
        const environment = await this.#environment(record.environment);
        if (record.status === 'removing') return this.#teardown(record, record.removalReason ?? 'manual', '@resume');
        if (!record.cluster && environment) return this.#provision(record, environment, '', '@resume');
        // Released, but the crash may have come before its applications were made.
        for (const service of record.services) await this.#ensureApplication(record, service);
        return undefined;
      }).catch((error: unknown) => this.#deps.logger.error({ preview: record.name, err: messageOf(error) }, 'preview could not be resumed'));
    }
    if (intervalMs > 0) {
      this.#timer = setInterval(() => {
        if (this.#ticking) return;
        this.#ticking = this.tick()
          .catch((error: unknown) => this.#deps.logger.error({ err: messageOf(error) }, 'preview check failed'))
          .finally(() => (this.#ticking = undefined));
      }, intervalMs);
      this.#timer.unref();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.allSettled([this.#ticking, ...this.#locks.values()]);
  }

  /** Every branch event of every repository; only branches matching a preview environment do anything. */
  async handleGitEvent(event: GitEvent): Promise<void> {
    if (!['push', 'create', 'delete'].includes(event.kind) || !event.branch || !event.ref.startsWith('refs/heads/')) return;
    const repo = `${event.repo.namespace}/${event.repo.name}`;
    if (repo === this.#deps.configRepoUrl) return;
    const environments = await this.#deps.environments.list();
    const environment = previewEnvironmentFor(environments, event.branch);
    if (!environment) return;
    const target = previewTarget(environment, event.branch);
    const actor = event.sender ?? '@hook';
    await this.#serial(target.name, async () => {
      const existing = await this.#deps.store.previews.findActive(target.name);
      if (event.kind === 'delete') {
        if (existing && existing.repo === repo && existing.branch === event.branch) await this.#remove(existing, 'branch-deleted', actor);
        return;
      }
      if (existing) {
        const touched = await this.#deps.store.previews.update(existing.id, { lastPushAt: this.#deps.clock.now() });
        if (touched.status === 'failed' && !touched.imageTag) await this.#provision(touched, environment, isZero(event.after) ? event.commit : event.after, actor);
        return;
      }
      await this.#create(target, environments, repo, event.branch, event.after, actor);
    });
  }

  /**
   * A branch build's release: written into the branch's preview (created
   * first when the push event has not made it yet). Undefined when the
   * branch matches no preview environment.
   */
  async release(request: PreviewReleaseRequest): Promise<PreviewReleaseResult | undefined> {
    const environments = await this.#deps.environments.list();
    const environment = previewEnvironmentFor(environments, request.branch);
    if (!environment) return undefined;
    const target = previewTarget(environment, request.branch);
    return this.#serial(target.name, async () => {
      let record = await this.#deps.store.previews.findActive(target.name);
      if (!record) record = await this.#create(target, environments, request.repo, request.branch, request.commit ?? '', request.by);
      if (!record) throw new ConflictError(`no preview for ${request.repo}@${request.branch}: it was refused (see the preview.refused event)`);
      if (record.status === 'removing') throw new ConflictError(`preview ${record.name} is being removed`);
      if (!record.cluster) record = await this.#provision(record, environment, request.commit ?? '', request.by);
      if (!record?.cluster) throw new ConflictError(`preview ${target.name} could not be provisioned: ${record?.message ?? 'see the server log'}`);
      const provisioned = record;
      return this.#deploy(provisioned, environment, request).catch(async (error: unknown) => {
        await this.#fail(provisioned, error, request.by);
        throw error;
      });
    });
  }

  async list(): Promise<PreviewView[]> {
    const environments = await this.#deps.environments.list();
    const ttl = new Map(environments.map((e) => [e.name, e.preview?.ttlMs]));
    return (await this.#deps.store.previews.list()).map((record) => view(record, ttl.get(record.environment)));
  }

  /** Tears a preview down by hand; `ForbiddenError` for anything the guards refuse. */
  async remove(name: string, by: string): Promise<void> {
    await this.#serial(name, async () => {
      const record = await this.#deps.store.previews.findActive(name);
      if (!record) throw new NotFoundError(`no preview "${name}"`);
      await this.#remove(record, 'manual', by, true);
    });
  }

  /** Marks previews whose applications are Synced and Healthy `ready`; tears down those idle past their TTL. */
  async tick(): Promise<void> {
    const environments = await this.#deps.environments.list();
    const now = this.#deps.clock.now();
    for (const record of await this.#deps.store.previews.list(['creating', 'ready', 'failed'])) {
      const ttl = environments.find((e) => e.name === record.environment)?.preview?.ttlMs;
      if (ttl !== undefined && now - record.lastPushAt > ttl) {
        await this.#serial(record.name, async () => {
          const current = await this.#deps.store.previews.findActive(record.name);
          if (current && current.id === record.id && current.status !== 'removing') await this.#remove(current, 'ttl', '@ttl');
        }).catch((error: unknown) => this.#deps.logger.error({ preview: record.name, err: messageOf(error) }, 'expired preview could not be removed'));
        continue;
      }
      if (record.status === 'creating' && record.imageTag) await this.#serial(record.name, () => this.#checkReady(record.id));
    }
  }

  // ── steps ─────────────────────────────────────────────────────────────

  async #create(target: PreviewTarget, environments: Environment[], repo: string, branch: string, commit: string, actor: string): Promise<PreviewRecord | undefined> {
    const { environment, name, namespace } = target;
    const base = { preview: name, environment: environment.name, repo, branch, actor };
    try {
      checkNotProtected(name, namespace, environments);
    } catch (error) {
      this.#emit({ ...base, type: 'preview.refused', message: messageOf(error) });
      return undefined;
    }
    const cap = environment.preview?.maxConcurrent ?? Infinity;
    const active = (await this.#deps.store.previews.list()).filter((p) => p.environment === environment.name);
    if (active.length >= cap) {
      const message = `${environment.name} already has ${active.length} previews (maxConcurrent ${cap}): ${repo}@${branch} gets none until one is removed and the branch is pushed again`;
      this.#deps.logger.warn({ preview: name, active: active.length, cap }, 'preview refused: too many at once');
      this.#emit({ ...base, type: 'preview.refused', message });
      return undefined;
    }
    const record = await this.#deps.store.previews.create({
      name,
      environment: environment.name,
      repo,
      branch,
      service: repo.slice(repo.lastIndexOf('/') + 1),
      namespace,
      ...(environment.preview?.provisioner ? { provisioner: environment.preview.provisioner } : {}),
    });
    this.#deps.logger.info({ preview: name, repo, branch }, 'preview created');
    this.#emit({ ...base, type: 'preview.created' });
    return this.#provision(record, environment, commit, actor);
  }

  async #provision(record: PreviewRecord, environment: Environment, commit: string, actor: string): Promise<PreviewRecord> {
    try {
      const provisioned = await provision(this.#deps, record, environment, commit);
      return record.status === 'failed' ? this.#deps.store.previews.update(record.id, { status: 'creating' }) : provisioned;
    } catch (error) {
      return this.#fail(record, error, actor);
    }
  }

  async #deploy(record: PreviewRecord, environment: Environment, request: PreviewReleaseRequest): Promise<PreviewReleaseResult> {
    const deps = this.#deps;
    const host = previewHost(environment, request.service, request.branch);
    const repo = deps.configRepo;
    const outcome = await repo.commit({
      identity: defaultIdentity,
      edit: async (base) => {
        const entries = await previewFolderEntries(repo, base, { ...request, from: environment.preview?.from ?? 'staging', preview: record.name, host });
        const lines = [request.chart ? `Chart: ${request.chart.version}` : '', request.build?.url ? `Build: ${request.build.url}` : '', request.commit ? `Source: ${request.repo}@${request.commit}` : ''].filter(Boolean);
        return { message: `${request.service}: ${request.image.tag} to ${record.name}\n\n${lines.join('\n')}\n`, entries };
      },
    });
    const services = record.services.includes(request.service) ? record.services : [...record.services, request.service];
    const url = record.url ?? (host ? previewUrl(host) : undefined);
    const wasDeployed = record.imageTag !== undefined;
    const updated = await deps.store.previews.update(record.id, {
      services,
      service: services[0] ?? request.service,
      imageTag: request.image.tag,
      lastPushAt: deps.clock.now(),
      ...(url ? { url } : {}),
      ...(record.status === 'failed' ? { status: 'creating' as const } : {}),
      message: record.status === 'ready' ? null : 'waiting for the applications to be Synced and Healthy',
    });
    await this.#ensureApplication(updated, request.service);
    await deps.configChanged();
    if (wasDeployed) this.#emit({ type: 'preview.updated', preview: record.name, environment: record.environment, repo: record.repo, branch: record.branch, actor: request.by, imageTag: request.image.tag, ...(url ? { url } : {}) });
    await this.#checkReady(record.id);
    return { preview: record.name, commit: outcome.commit, changed: outcome.changed, url: url ?? null };
  }

  async #ensureApplication(record: PreviewRecord, service: string): Promise<void> {
    const name = previewApplication(service, record.name);
    try {
      await this.#deps.applications.get(name);
      return;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    await this.#deps.applications.create({
      name,
      source: { repoUrl: this.#deps.configRepoUrl, path: serviceFolder(record.name, service), revision: this.#deps.configRepo.branch },
      destination: { cluster: record.cluster, namespace: record.namespace },
      syncPolicy: { automated: true, prune: true, selfHeal: true },
      environment: record.name,
      service,
    });
  }

  async #checkReady(id: string): Promise<void> {
    const record = await this.#deps.store.previews.get(id);
    if (record.status !== 'creating' || !record.imageTag || record.services.length === 0) return;
    for (const service of record.services) {
      const app = await this.#deps.applications.get(previewApplication(service, record.name)).catch(() => undefined);
      if (app?.status?.syncStatus !== 'Synced' || app.status.health !== 'Healthy') return;
    }
    await this.#deps.store.previews.update(id, { status: 'ready', message: null });
    this.#deps.logger.info({ preview: record.name, url: record.url }, 'preview ready');
    this.#emit({ type: 'preview.ready', preview: record.name, environment: record.environment, repo: record.repo, branch: record.branch, actor: '@controller', imageTag: record.imageTag, ...(record.url ? { url: record.url } : {}) });
  }

  async #remove(record: PreviewRecord, reason: PreviewRemovalReason, actor: string, rethrow = false): Promise<void> {
    const environments = await this.#deps.environments.list();
    try {
      checkTeardown(record, environments.find((e) => e.name === record.environment), environments);
    } catch (error) {
      this.#emit({ type: 'preview.refused', preview: record.name, environment: record.environment, repo: record.repo, branch: record.branch, actor, reason, message: messageOf(error) });
      if (rethrow || !(error instanceof ForbiddenError)) throw error;
      this.#deps.logger.warn({ preview: record.name, err: messageOf(error) }, 'preview teardown refused');
      return;
    }
    const removing = await this.#deps.store.previews.update(record.id, { status: 'removing', removalReason: reason, message: null });
    await this.#teardown(removing, reason, actor, rethrow);
  }

  async #teardown(record: PreviewRecord, reason: PreviewRemovalReason, actor: string, rethrow = false): Promise<void> {
    try {
      await teardown(this.#deps, record);
    } catch (error) {
      await this.#deps.store.previews.update(record.id, { message: `teardown failed (retried at the next start): ${messageOf(error)}` });
      this.#emit({ type: 'preview.failed', preview: record.name, environment: record.environment, repo: record.repo, branch: record.branch, actor, reason, message: messageOf(error) });
      if (rethrow) throw error;
      this.#deps.logger.error({ preview: record.name, err: messageOf(error) }, 'preview teardown failed');
      return;
    }
    await this.#deps.store.previews.update(record.id, { status: 'removed' });
    this.#deps.logger.info({ preview: record.name, reason }, 'preview removed');
    this.#emit({ type: 'preview.removed', preview: record.name, environment: record.environment, repo: record.repo, branch: record.branch, actor, reason });
  }

  async #fail(record: PreviewRecord, error: unknown, actor: string): Promise<PreviewRecord> {
    this.#deps.logger.error({ preview: record.name, err: messageOf(error) }, 'preview failed');
    this.#emit({ type: 'preview.failed', preview: record.name, environment: record.environment, repo: record.repo, branch: record.branch, actor, message: messageOf(error) });
    return this.#deps.store.previews.update(record.id, { status: 'failed', message: messageOf(error) });
  }

  async #environment(name: string): Promise<Environment | undefined> {
    return (await this.#deps.environments.list()).find((e) => e.name === name);
  }

  #emit(event: Omit<PreviewEvent, 'at'>): void {
    try {
      this.#deps.events.emit({ ...event, at: this.#deps.clock.now() });
    } catch (error) {
      this.#deps.logger.error({ err: messageOf(error), event: event.type }, 'preview event sink failed');
    }
  }

  /** Runs `task` after the previous work on the same preview. */
  #serial<T>(name: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(name) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.catch(() => undefined);
    this.#locks.set(name, settled);
    void settled.then(() => {
      if (this.#locks.get(name) === settled) this.#locks.delete(name);
    });
    return run;
  }
}

function view(record: PreviewRecord, ttlMs: number | undefined): PreviewView {
  return {
    name: record.name,
    repo: record.repo,
    branch: record.branch,
    service: record.service,
    services: record.services,
    environment: record.environment,
    cluster: record.cluster ?? null,
    namespace: record.namespace,
    url: record.url ?? null,
    imageTag: record.imageTag ?? null,
    createdAt: new Date(record.createdAt).toISOString(),
    lastPushAt: new Date(record.lastPushAt).toISOString(),
    expiresAt: ttlMs === undefined ? null : new Date(record.lastPushAt + ttlMs).toISOString(),
    status: record.status === 'removed' ? 'removing' : record.status,
    message: record.message ?? null,
  };
}
