import { join } from 'node:path';
import { ConflictError, NotFoundError, systemClock, type Clock, type Logger } from '../core/index.ts';
import { repoFileSource, type GitEvent, type PipelineConfigSource } from '../git/index.ts';
import type { PlanPipeline } from '../pipeline/index.ts';
import type { BuildListQuery, BuildRecord, StageRecord, StepRecord, Store } from '../store/index.ts';
import { advanceBuild } from './advance.ts';
import { BuildChanges } from './changes.ts';
import { updateBuild } from './update-build.ts';
import { CommitStatusPublisher } from './commit-status.ts';
import { buildFromEvent } from './from-event.ts';
import type { ServerInfo } from './context.ts';
import type { BuildDeps } from './deps.ts';
import { LiveLogs } from './live.ts';
import { Mirrors } from './mirrors.ts';
import { recoverAfterRestart } from './recovery.ts';
import { isFinished } from './status.ts';
import { triggerBuild, type TriggerRequest } from './trigger.ts';
import { SharedWakeup } from './wakeup.ts';
import { StageWorker, type WorkerOptions } from './worker.ts';
import { RemoteStages } from './remote.ts';

export interface BuildServiceOptions {
  store: Store;
  /** Where pipeline files come from (default: each repository's own). */
  config?: PipelineConfigSource;
  logger: Logger;
  clock?: Clock;
  /** Where repository mirrors are kept. */
  dataDir: string;
  server: ServerInfo;
  worker: WorkerOptions;
}

export interface BuildDetail {
  build: BuildRecord;
  stages: (StageRecord & { steps: StepRecord[] })[];
}

/** The build lifecycle behind the API: trigger, run, cancel, restart, read. */
export class BuildService {
  readonly live = new LiveLogs();
  readonly changes = new BuildChanges();
  private readonly deps: BuildDeps;
  private readonly worker: StageWorker;
  /** Stages run by remote runners. */
  readonly remote: RemoteStages;
  private readonly owner: string;
  private readonly backendFor: WorkerOptions['backendFor'];
  private readonly gitEventListeners: ((event: GitEvent) => void)[] = [];
  private readonly queued: SharedWakeup;

  constructor(options: BuildServiceOptions) {
    this.queued = new SharedWakeup(options.store.signals);
    this.deps = {
      store: options.store,
      mirrors: new Mirrors(join(options.dataDir, 'mirrors'), options.store),
      live: this.live,
      queued: this.queued,
      changes: this.changes,
      config: options.config ?? repoFileSource,
      server: options.server,
      logger: options.logger,
      clock: options.clock ?? systemClock,
    };
    this.owner = options.worker.owner;
    this.backendFor = options.worker.backendFor;
    this.worker = new StageWorker(this.deps, options.worker);
    this.remote = new RemoteStages(this.deps, {
      leaseMs: this.worker.leaseMs,
      stepTimeoutMs: options.worker.stepTimeoutMs,
      logLimitBytes: options.worker.logLimitBytes,
      stageAccess: options.worker.stageAccess,
    });
    const statuses = new CommitStatusPublisher(options.store, options.server, options.logger);
    this.changes.subscribe((build) => void statuses.publish(build));
  }

  /** Settles what a previous process left behind, then starts taking work. */
  async start(): Promise<void> {
    const recovered = await recoverAfterRestart(this.deps, this.owner, async (stage) => {
      const backend = await this.backendFor(stage.plan as PlanPipeline);
      await backend.reap?.(stage.id);
    });
    if (recovered.failed + recovered.requeued > 0) this.deps.logger.warn(recovered, 'recovered unfinished builds');
    await this.queued.listen();
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    await this.queued.close();
  }

  async trigger(repoSlug: string, request: TriggerRequest): Promise<BuildRecord> {
    return triggerBuild(this.deps, await this.deps.store.repos.getBySlug(repoSlug), request);
  }

  /**
   * Hears every git event before it becomes a build (previews follow
   * branches this way). Called in order; a listener must not throw and
   * should not block: start its work and return.
   */
  onGitEvent(listener: (event: GitEvent) => void): void {
    this.gitEventListeners.push(listener);
  }

  /** Builds for a git event on a registered repository (several refs in one push: call in order). */
  async fromEvent(event: GitEvent): Promise<BuildRecord> {
    for (const listener of this.gitEventListeners) listener(event);
    return buildFromEvent(this.deps, await this.deps.store.repos.getBySlug(`${event.repo.namespace}/${event.repo.name}`), event);
  }

  async list(repoSlug: string, query: Omit<BuildListQuery, 'repoId'> = {}): Promise<BuildRecord[]> {
    const repo = await this.deps.store.repos.getBySlug(repoSlug);
    return this.deps.store.builds.list({ ...query, repoId: repo.id });
  }

  async get(repoSlug: string, number: number): Promise<BuildRecord> {
    const repo = await this.deps.store.repos.getBySlug(repoSlug);
    const build = await this.deps.store.builds.findByNumber(repo.id, number);
    if (!build) throw new NotFoundError(`${repoSlug} has no build #${number}`);
    return build;
  }

  async detail(repoSlug: string, number: number): Promise<BuildDetail> {
    const build = await this.get(repoSlug, number);
    const stages = await this.deps.store.stages.listByBuild(build.id);
    return {
      build,
      stages: await Promise.all(stages.map(async (stage) => ({ ...stage, steps: await this.deps.store.steps.listByStage(stage.id) }))),
    };
  }

  /** A step of a build by stage number and step number, for logs. */
  async step(repoSlug: string, number: number, stageNumber: number, stepNumber: number): Promise<StepRecord> {
    const { stages } = await this.detail(repoSlug, number);
    const step = stages.find((stage) => stage.number === stageNumber)?.steps.find((s) => s.number === stepNumber);
    if (!step) throw new NotFoundError(`build #${number} of ${repoSlug} has no step ${stageNumber}/${stepNumber}`);
    return step;
  }

  /** Stops a build: queued pipelines never start, running ones are killed with their process trees. */
  async cancel(repoSlug: string, number: number, by: string): Promise<BuildRecord> {
    const { store, clock } = this.deps;
    const build = await this.get(repoSlug, number);
    if (isFinished(build.status)) throw new ConflictError(`build #${number} has already finished (${build.status})`);
    await updateBuild(this.deps, build.id, { status: 'killed', error: `cancelled by ${by}`, finishedAt: clock.now() });
    for (const stage of await store.stages.listByBuild(build.id)) {
      if (stage.status === 'running') {
        this.worker.cancel(stage.id);
      } else if (stage.status === 'waiting' || stage.status === 'pending') {
        await store.stages.update(stage.id, { status: 'killed', error: `cancelled by ${by}`, finishedAt: clock.now() });
        for (const step of await store.steps.listByStage(stage.id)) {
          await store.steps.update(step.id, { status: 'skipped' });
          this.live.end(step.id);
        }
      }
    }
    await advanceBuild(this.deps, build.id);
    return store.builds.get(build.id);
  }

  /** Runs a build again as a new build of the same commit, ref and event. */
  async restart(repoSlug: string, number: number, by: string): Promise<BuildRecord> {
    const old = await this.get(repoSlug, number);
    if (!isFinished(old.status)) throw new ConflictError(`build #${number} is still ${old.status}; cancel it first`);
    return this.trigger(repoSlug, {
      event: old.event,
      ref: old.ref,
      branch: old.sourceBranch || old.branch,
      commit: old.commitSha,
      before: old.beforeSha,
      action: old.action || undefined,
      deployTo: old.deployTo,
      pullRequest: old.pullRequest,
      sourceBranch: old.sourceBranch,
      targetBranch: old.targetBranch,
      params: old.params,
      trigger: by,
      parentNumber: old.number,
    });
  }
}
