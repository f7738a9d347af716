/**
 * The environments service: promotion, approvals, authorized syncs,
 * rollbacks, the pipeline's deploy step, releases to every environment that
 * takes a build, release records, and the applications generated from the
 * config repository. Every change passes the gates (role, approvals,
 * windows, vulnerability verdict) and is emitted as an event.
 */
import { ConfigError, ConflictError, ForbiddenError, NotFoundError } from '../../core/index.ts';
import { setVersion } from '../../gitops/index.ts';
import type { Release, SyncRecord } from '../../gitops/index.ts';
import type { ApplicationRecord, ApprovalRecord, ReleaseListQuery, ReleaseRecord } from '../../store/index.ts';
import type { Environment } from '../config/index.ts';
import { desiredApplications, serviceFolders } from '../applications/generate.ts';
import { reconcileApplications } from '../applications/reconcile.ts';
import type { ReconcileOutcome } from '../applications/reconcile.ts';
import { releaseTargets } from '../policy/accepts.ts';
import { mayApprove } from '../policy/approvals.ts';
import { authoredCommits } from '../policy/four-eyes.ts';
import { applicationName, GENERATOR } from './deps.ts';
import type { Actor, EnvironmentDeps } from './deps.ts';
import { approvalsFor, checkRole, checkSync } from './gates.ts';
import { recordWhenDone, within } from './record.ts';
import type { Started } from './record.ts';
import { connectMessage, environmentsView, matrixView } from './views.ts';
import type { EnvironmentsView, Matrix } from './views.ts';
import { buildOfImage, changeCommits, deployedVersion, releaseAt, tipVersion, versionOf } from './versions.ts';

export interface PromoteInput {
  from?: string;
  imageTag?: string;
  chartVersion?: string;
  comment?: string;
}

export interface VersionInput {
  image: { tag: string; repository?: string };
  chart?: { version: string; repository?: string };
  build?: { url?: string };
  /** The source build: repository slug and commit, with its branch or tag for accept matching. */
  source?: { repo: string; commit: string; branch?: string; tag?: string; build?: number };
}

export interface SyncOutcome {
  syncId: string;
  sync: SyncRecord;
  release?: ReleaseRecord;
}

export interface DeployOutcome {
  commit: string | null;
  /** Null when no cluster is connected (the version is written; nothing synced). */
  syncId: string | null;
  healthy: boolean;
  message: string;
  release?: ReleaseRecord;
}

export interface ReleaseOutcome {
  commit: string | null;
  changed: string[];
  environments: string[];
  skipped: { environment: string; reason: string }[];
}

/** How long a sync request waits for the release record before answering without it. */
const syncAnswerMs = 30_000;

export class EnvironmentService {
  readonly #deps: EnvironmentDeps;

  constructor(deps: EnvironmentDeps) {
    this.#deps = deps;
  }

  /** How applications name the config repository of environments. */
  get configRepo(): string {
    return this.#deps.config.url;
  }

  list(): Promise<EnvironmentsView> {
    return environmentsView(this.#deps);
  }

  matrix(): Promise<Matrix> {
    return matrixView(this.#deps);
  }

  releases(query: ReleaseListQuery): Promise<ReleaseRecord[]> {
    return this.#deps.store.releases.list(query);
  }

  /** Creates, updates and deletes the generated applications to match the config repository. */
  async reconcile(): Promise<ReconcileOutcome> {
    const deps = this.#deps;
    const envs = await deps.catalog.list();
    const paths = await deps.config.repository.read(async (tip) => (tip ? (await deps.config.repository.files(tip, 'environments')).map((f) => f.path) : []));
    const outcome = await reconcileApplications(
      { store: deps.store, controller: deps.controller, logger: deps.logger, generator: GENERATOR, source: { repoUrl: deps.config.url, revision: deps.config.branch } },
      desiredApplications(envs, serviceFolders(paths)),
    );
    if (outcome.created.length + outcome.updated.length + outcome.deleted.length > 0) deps.logger.info(outcome, 'generated applications reconciled');
    return outcome;
  }

  async #env(name: string): Promise<Environment> {
    const env = await this.#deps.catalog.find(name);
    if (!env) throw new NotFoundError(`no environment "${name}" in environments.yaml`);
    return env;
  }

  async #app(env: Environment, service: string): Promise<ApplicationRecord> {
    const app = await this.#deps.store.applications.findByName(applicationName(service, env.name));
    if (app) return app;
    const cluster = env.cluster === null ? undefined : await this.#deps.store.clusters.findByName(env.cluster);
    if (!cluster) throw new ConflictError(`${service} cannot be synced to "${env.name}": ${connectMessage(env.cluster)}`, { environment: env.name, clusterConnected: false });
    throw new NotFoundError(`no application ${applicationName(service, env.name)}: environments/${env.name}/${service}/ has no files yet (promote or release a version first)`);
  }

  async #written(): Promise<void> {
    await this.reconcile();
    await this.#deps.controller.configChanged(this.#deps.config.url);
  }

  async #write(service: string, envs: string[], input: VersionInput): Promise<{ commit: string | null; changed: string[] }> {
    const result = await setVersion({
      repo: this.#deps.config.repository,
      service,
      environments: envs,
      image: input.image,
      ...(input.chart ? { chart: input.chart } : {}),
      ...(input.build ? { build: input.build } : {}),
      ...(input.source ? { source: { repo: input.source.repo, commit: input.source.commit } } : {}),
    });
    await this.#written();
    return { commit: result.commit ?? null, changed: result.changed };
  }

  #awaiting(env: Environment, service: string, actor: string, version: string): void {
    if (env.approvals.required > 0 || env.deploy === 'manual') {
      this.#deps.events.emit({ kind: 'approval.requested', environment: env.name, service, actor, version, at: this.#deps.clock.now() });
    }
  }

  /** Writes a version (given, or what runs in `from`) into the environment's folder. */
  async promote(envName: string, service: string, input: PromoteInput, actor: Actor): Promise<{ commit: string | null; pending: boolean }> {
    const env = await this.#env(envName);
    checkRole(this.#deps, env, service, actor);
    const current = (await tipVersion(this.#deps, env.name, service)).release;
    let source: Release | undefined;
    if (input.from !== undefined) {
      const from = await this.#env(input.from);
      const fromApp = await this.#deps.store.applications.findByName(applicationName(service, from.name));
      source = (await deployedVersion(this.#deps, fromApp, from.name, service)).release ?? (await tipVersion(this.#deps, from.name, service)).release;
      if (!source) throw new NotFoundError(`${service} has no version in "${from.name}" to promote`);
    }
    const tag = input.imageTag ?? source?.image.tag;
    if (!tag) throw new ConfigError('give the version to promote: imageTag, or from (an environment)');
    const image = { tag, repository: source?.image.repository ?? current?.image.repository };
    const chartVersion = input.chartVersion ?? (input.imageTag === undefined ? source?.chart?.version : undefined);
    const chartRepository = source?.chart?.repository ?? current?.chart?.repository;
    if (env.deploy === 'auto' && env.approvals.required > 0) {
      const count = await approvalsFor(this.#deps, env, service, tag);
      if (!count.satisfied) {
        throw new ConflictError(`"${env.name}" syncs every commit, so ${service} ${tag} is written only once it has ${count.required} approval(s); it has ${count.counted.length}`);
      }
    }
    const written = await this.#write(service, [env.name], {
      image,
      ...(chartVersion ? { chart: { version: chartVersion, ...(chartRepository ? { repository: chartRepository } : {}) } } : {}),
    });
    const pending = env.deploy !== 'auto';
    if (pending && written.changed.length > 0) this.#awaiting(env, service, actor.login, tag);
    return { commit: written.commit, pending };
  }

  /** Records an approval of the version waiting in the environment. */
  async approve(envName: string, service: string, comment: string, actor: Actor): Promise<ApprovalRecord & { approvals: number; required: number }> {
    const env = await this.#env(envName);
    if (comment.trim() === '') throw new ConfigError('comment: an approval needs a comment');
    if (!mayApprove(env, actor.role)) {
      throw new ForbiddenError(`${actor.login} (${actor.role}) may not approve for "${env.name}": approvals count from ${env.approvals.roles.join(', ')}`, { environment: env.name, roles: env.approvals.roles });
    }
    const app = await this.#deps.store.applications.findByName(applicationName(service, env.name));
    const pending = (await tipVersion(this.#deps, env.name, service)).release;
    const deployed = (await deployedVersion(this.#deps, app, env.name, service)).release;
    if (!pending || pending.image.tag === deployed?.image.tag) throw new ConflictError(`${service} has no version waiting in "${env.name}"`);
    if (env.approvals.fourEyes) {
      const { commits } = await changeCommits(this.#deps, deployed, pending);
      const own = authoredCommits(actor, commits);
      if (own.length > 0) {
        throw new ForbiddenError(`four-eyes rule: ${actor.login} authored ${own.length} commit(s) of this change (${own.map((c) => c.sha.slice(0, 8)).join(', ')}) and may not approve it`, {
          environment: env.name,
          commits: own.map((c) => c.sha),
        });
      }
    }
    return this.#approve(env, service, pending.image.tag, comment, actor);
  }

  async #approve(env: Environment, service: string, version: string, comment: string, actor: Actor): Promise<ApprovalRecord & { approvals: number; required: number }> {
    const approval = await this.#deps.store.approvals.add({ environment: env.name, service, version, login: actor.login, role: actor.role, comment });
    this.#deps.events.emit({ kind: 'approval.given', environment: env.name, service, actor: actor.login, version, reason: comment, at: this.#deps.clock.now() });
    const count = await approvalsFor(this.#deps, env, service, version);
    return { ...approval, approvals: count.counted.length, required: count.required };
  }

  /** Checks the gates and syncs the environment's application to the version at the branch tip. */
  async sync(envName: string, service: string, input: { override?: { reason: string } }, actor: Actor, waitMs = syncAnswerMs): Promise<SyncOutcome> {
    const started = await this.#startSync(await this.#env(envName), service, actor, input.override);
    const release = await within(started.recorded, waitMs);
    return { syncId: started.sync.id, sync: started.sync, ...(release ? { release } : {}) };
  }

  async #startSync(env: Environment, service: string, actor: Actor, override?: { reason: string }): Promise<Started> {
    const deps = this.#deps;
    checkRole(deps, env, service, actor);
    const app = await this.#app(env, service);
    const next = (await tipVersion(deps, env.name, service)).release;
    const previous = (await deployedVersion(deps, app, env.name, service)).release;
    const version = await versionOf(deps, next, await buildOfImage(deps, next));
    const approvals = await checkSync(deps, env, service, actor, version, override ? { override } : {});
    const reason = override ? `${env.name} sync by ${actor.login}, window override: ${override.reason}` : `${env.name} sync by ${actor.login}`;
    const sync = await deps.controller.sync(app.name, { reason }, actor.login);
    return recordWhenDone(deps, { env, service, actor, kind: 'deploy', next, previous, approvals: approvals?.counted ?? [] }, sync);
  }

  /**
   * The pipeline's deploy step (install or upgrade): writes the version into
   * the environment, syncs it now and waits for the result.
   */
  async deploy(envName: string, service: string, input: VersionInput, actor: Actor): Promise<DeployOutcome> {
    const env = await this.#env(envName);
    checkRole(this.#deps, env, service, actor);
    const written = await this.#write(service, [env.name], input);
    const app = await this.#deps.store.applications.findByName(applicationName(service, env.name));
    if (!app) return { commit: written.commit, syncId: null, healthy: false, message: `${service} ${input.image.tag} written to ${env.name}; not deployed: ${connectMessage(env.cluster)}` };
    const started = await this.#startSync(env, service, actor);
    const release = await within(started.recorded, this.#deps.deployTimeoutMs ?? 300_000);
    const final = await this.#deps.controller.waitForSync(started.sync.id);
    const healthy = release?.healthy ?? false;
    const message = release
      ? `${service} ${input.image.tag} ${healthy ? 'is healthy' : 'failed'} in ${env.name} (sync #${final.number}${final.message ? `: ${final.message}` : ''})`
      : `${service} ${input.image.tag} did not become healthy in ${env.name} in time (sync #${final.number} ${final.status})`;
    return { commit: written.commit, syncId: started.sync.id, healthy, message, ...(release ? { release } : {}) };
  }

  /**
   * Writes a build's version into every environment that takes it (trunk,
   * matching tags). A tag build by someone holding an approval role counts
   * as their approval (`tag vX.Y.Z`); an automatically syncing environment
   * that still needs approvals is left out and waits for them.
   */
  async release(service: string, input: VersionInput, actor: Actor): Promise<ReleaseOutcome> {
    const deps = this.#deps;
    const source = input.source;
    const repo = source ? await deps.store.repos.getBySlug(source.repo).catch(() => undefined) : undefined;
    const buildRef = { branch: source?.branch ?? repo?.defaultBranch ?? 'main', defaultBranch: repo?.defaultBranch ?? 'main', ...(source?.tag ? { tag: source.tag } : {}) };
    const targets = releaseTargets(await deps.catalog.list(), buildRef);
    if (source?.tag) await this.#tagApprovals(targets, service, input.image.tag, source.tag, repo?.id, source.build, actor);
    const chosen: Environment[] = [];
    const skipped: ReleaseOutcome['skipped'] = [];
    for (const env of targets) {
      if (env.deploy === 'auto' && env.approvals.required > 0 && !(await approvalsFor(deps, env, service, input.image.tag)).satisfied) {
        skipped.push({ environment: env.name, reason: `needs ${env.approvals.required} approval(s) from ${env.approvals.roles.join(' or ')} before it syncs` });
        this.#awaiting(env, service, actor.login, input.image.tag);
        continue;
      }
      chosen.push(env);
    }
    if (chosen.length === 0) return { commit: null, changed: [], environments: [], skipped };
    const written = await this.#write(service, chosen.map((e) => e.name), input);
    for (const env of chosen) if (env.deploy === 'manual' && written.changed.some((path) => path.startsWith(`environments/${env.name}/`))) this.#awaiting(env, service, actor.login, input.image.tag);
    return { ...written, environments: chosen.map((e) => e.name), skipped };
  }

  /** The tag's pusher (the build's author or trigger), when they hold an approval role, approves the tagged version. */
  async #tagApprovals(targets: Environment[], service: string, version: string, tag: string, repoId: string | undefined, buildNumber: number | undefined, actor: Actor): Promise<void> {
    const build = repoId && buildNumber ? await this.#deps.store.builds.findByNumber(repoId, buildNumber) : undefined;
    const login = build ? build.authorLogin || build.trigger : actor.login;
    const user = await this.#deps.store.users.findByLogin(login);
    if (!user) return;
    for (const env of targets) {
      if (env.approvals.required === 0 || !mayApprove(env, user.role)) continue;
      const existing = await this.#deps.store.approvals.list({ environment: env.name, service, version });
      if (existing.some((a) => a.login.toLowerCase() === user.login.toLowerCase())) continue;
      await this.#approve(env, service, version, `tag ${tag}`, { login: user.login, email: user.email, role: user.role });
    }
  }

  /** Restores the environment's folder to an earlier release (a new commit) and syncs it. */
  async rollback(envName: string, service: string, input: { release?: string; revision?: string; comment?: string }, actor: Actor, waitMs = syncAnswerMs): Promise<{ commit: string | null; syncId: string; release?: ReleaseRecord }> {
    const deps = this.#deps;
    const env = await this.#env(envName);
    checkRole(deps, env, service, actor);
    const app = await this.#app(env, service);
    const revision = await this.#rollbackRevision(env, service, input);
    const previous = (await deployedVersion(deps, app, env.name, service)).release;
    const next = await deps.config.repository.read(() => releaseAt(deps, revision, env.name, service));
    const result = await deps.controller.rollback(app.name, revision, actor.login);
    const started = recordWhenDone(deps, { env, service, actor, kind: 'rollback', next, previous, approvals: [] }, result.sync);
    const release = await within(started.recorded, waitMs);
    return { commit: result.commit ?? null, syncId: result.sync.id, ...(release ? { release } : {}) };
  }

  async #rollbackRevision(env: Environment, service: string, input: { release?: string; revision?: string }): Promise<string> {
    if (input.revision) return input.revision;
    if (input.release) {
      const target = await this.#deps.store.releases.get(input.release);
      if (target.service !== service || target.environment !== env.name) throw new ConfigError(`release ${input.release} is of ${target.service} in ${target.environment}, not ${service} in ${env.name}`);
      return target.configRevision;
    }
    const [latest] = await this.#deps.store.releases.list({ service, environment: env.name, limit: 1 });
    if (!latest?.rollbackTarget) throw new ConflictError(`${service} has no earlier release in "${env.name}" to roll back to`);
    return latest.rollbackTarget.configRevision;
  }

  /**
   * The same environment rule for the plain applications API: an
   * application that belongs to an environment is synced only through its
   * gates, and rolled back only by those who may change the environment.
   */
  async checkApplication(appName: string, operation: 'sync' | 'rollback', actor: Actor): Promise<void> {
    const app = await this.#deps.store.applications.findByName(appName);
    if (!app?.environment) return;
    const env = await this.#deps.catalog.find(app.environment);
    if (!env) return;
    const service = app.service ?? app.name;
    if (operation === 'rollback') return checkRole(this.#deps, env, service, actor);
    const next = (await tipVersion(this.#deps, env.name, service)).release;
    await checkSync(this.#deps, env, service, actor, await versionOf(this.#deps, next, await buildOfImage(this.#deps, next)));
  }
}
