import { messageOf, type Logger } from '../core/index.ts';
import type { PlanPipeline } from '../pipeline/index.ts';
import { runPipeline, type Backend } from '../runner/index.ts';
import type { BuildRecord, JobRecord, StageRecord } from '../store/index.ts';
import { advanceBuild } from './advance.ts';
import { updateBuild } from './update-build.ts';
import { STAGE_JOB, type BuildDeps, type StageJobPayload } from './deps.ts';
import { recordingObserver } from './observer.ts';
import { isFinished } from './status.ts';

export interface WorkerOptions {
  /** Job owner name; stable across restarts of the same server. */
  owner: string;
  /** Stages run at once. */
  capacity: number;
  /** The backend for a pipeline; rejects with `ConfigError` naming the type when none can run it. */
  backendFor(pipeline: PlanPipeline): Promise<Backend>;
  stepTimeoutMs: number;
  logLimitBytes: number;
  leaseMs?: number;
  /**
   * What a stage's steps get from Trunkline itself: plain variables and
   * short-lived credentials (masked), released when the stage ends.
   */
  stageAccess?(build: BuildRecord, stage: StageRecord): Promise<StageAccess>;
  /** Fallback poll for work queued by other processes and for expired leases. */
  pollMs?: number;
}

/**
 * Claims stage jobs from the durable queue and runs them, up to `capacity`
 * at once. It is woken as soon as a job is queued in this process; the poll
 * interval only matters for work queued elsewhere.
 */
export interface StageAccess {
  environment: Record<string, string>;
  credentials: Record<string, string>;
  release(): Promise<void>;
}

const noAccess: StageAccess = { environment: {}, credentials: {}, release: async () => {} };

export class StageWorker {
  private readonly deps: BuildDeps;
  private readonly options: Required<Omit<WorkerOptions, 'stageAccess'>> & Pick<WorkerOptions, 'stageAccess'>;
  private readonly logger: Logger;
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(deps: BuildDeps, options: WorkerOptions) {
    this.deps = deps;
    this.options = { leaseMs: 30_000, pollMs: 2_000, ...options };
    this.logger = deps.logger.child({ component: 'worker', owner: options.owner });
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops claiming and cancels what runs (used on shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.queued.notify();
    for (const { controller } of this.running.values()) controller.abort();
    await this.loop;
    await Promise.all([...this.running.values()].map((entry) => entry.done));
  }

  /** Cancels a stage running in this process; false when it does not run here. */
  cancel(stageId: string): boolean {
    const entry = this.running.get(stageId);
    entry?.controller.abort();
    return entry !== undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.failExpiredLeases();
        while (!this.stopped && this.running.size < this.options.capacity) {
          const job = await this.deps.store.jobs.claim({ owner: this.options.owner, leaseMs: this.options.leaseMs, kinds: [STAGE_JOB] });
          if (!job) break;
          this.track(job);
        }
      } catch (error) {
        this.logger.error({ err: error }, 'claiming work failed');
      }
      await this.deps.queued.wait(this.options.pollMs);
    }
  }

  private track(job: JobRecord): void {
    const { stageId } = job.payload as StageJobPayload;
    const controller = new AbortController();
    const done = this.execute(job, controller.signal)
      .catch((error: unknown) => this.logger.error({ err: error, stage: stageId }, 'stage failed unexpectedly'))
      .finally(() => {
        this.running.delete(stageId);
        this.deps.queued.notify(); // a slot is free
      });
    this.running.set(stageId, { controller, done });
  }

  private async execute(job: JobRecord, signal: AbortSignal): Promise<void> {
    const { store, clock } = this.deps;
    const { buildId, stageId } = job.payload as StageJobPayload;
    const stage = await store.stages.get(stageId);
    const build = await store.builds.get(buildId);
    if (stage.status !== 'pending' || isFinished(build.status)) {
      await store.jobs.complete(job.id, this.options.owner);
      return;
    }
    const logger = this.logger.child({ build: build.id, number: build.number, stage: stage.name });
    const now = clock.now();
    await store.stages.update(stage.id, { status: 'running', startedAt: now, machine: this.options.owner });
    if (build.status === 'pending') await updateBuild(this.deps, build.id, { status: 'running', startedAt: now }, { ifStatus: ['pending'] }).catch(() => {});

    const heartbeat = setInterval(() => {
      store.jobs.heartbeat(job.id, this.options.owner, this.options.leaseMs).catch((error: unknown) => {
        logger.warn({ err: error }, 'lost the lease of a running stage');
      });
    }, this.options.leaseMs / 3);
    try {
      const result = await this.runStage(build, stage, signal, logger);
      await store.stages.update(stage.id, { status: result.status, error: result.error ?? null, finishedAt: clock.now() });
      await store.jobs.complete(job.id, this.options.owner);
    } catch (error) {
      await abandonStage(this.deps, stage.id, messageOf(error));
      await store.jobs.fail(job.id, this.options.owner, messageOf(error));
    } finally {
      clearInterval(heartbeat);
    }
    await advanceBuild(this.deps, build.id);
  }

  private async runStage(build: BuildRecord, stage: StageRecord, signal: AbortSignal, logger: Logger) {
    const { store } = this.deps;
    const pipeline = stage.plan as PlanPipeline;
    const backend = await this.options.backendFor(pipeline);
    const steps = await store.steps.listByStage(stage.id);
    const secrets = await this.secretsFor(build, pipeline);
    const repo = await store.repos.get(build.repoId);
    const access = (await this.options.stageAccess?.(build, stage)) ?? noAccess;
    try {
      return await runPipeline({
        run: { id: stage.id, pipeline, trusted: repo.trusted },
        backend,
        secrets,
        signal,
        timeoutMs: (pipeline.timeoutSeconds ? pipeline.timeoutSeconds * 1000 : undefined) ?? repo.timeoutMinutes * 60_000,
        stepTimeoutMs: this.options.stepTimeoutMs,
        logLimitBytes: this.options.logLimitBytes,
        observer: recordingObserver(this.deps, steps),
        logger,
        clock: this.deps.clock,
        environment: access.environment,
        credentials: access.credentials,
      });
    } finally {
      await access.release();
    }
  }

  /** Secret values the pipeline refers to; pull requests only get those allowed for them. */
  private async secretsFor(build: BuildRecord, pipeline: PlanPipeline): Promise<Record<string, string>> {
    const { store } = this.deps;
    const wanted = new Set([...pipeline.steps, ...pipeline.services].flatMap((step) => step.secrets.map((ref) => ref.secret)));
    if (wanted.size === 0) return {};
    let names = [...wanted];
    if (build.event === 'pull_request') {
      const allowed = new Set((await store.secrets.list(build.repoId)).filter((s) => s.allowPullRequest).map((s) => s.name));
      names = names.filter((name) => allowed.has(name));
    }
    return store.secrets.reveal(build.repoId, names);
  }

  /** Stages whose runner stopped renewing its lease are failed, never left hanging. */
  private async failExpiredLeases(): Promise<void> {
    const expired = await this.deps.store.jobs.expireLeases(this.deps.clock.now(), { requeue: false });
    for (const job of expired) {
      const { buildId, stageId } = job.payload as StageJobPayload;
      const reason = `runner ${job.leaseOwner ?? 'unknown'} stopped responding (lease expired)`;
      await abandonStage(this.deps, stageId, reason);
      await advanceBuild(this.deps, buildId);
    }
  }
}

/** Marks a stage that can no longer finish as errored, with its unfinished steps. */
export async function abandonStage(deps: BuildDeps, stageId: string, reason: string): Promise<void> {
  const { store, clock } = deps;
  const stage = await store.stages.get(stageId);
  if (!isFinished(stage.status)) await store.stages.update(stageId, { status: 'error', error: reason, finishedAt: clock.now() });
  for (const step of await store.steps.listByStage(stageId)) {
    if (isFinished(step.status)) continue;
    await store.steps.update(step.id, {
      status: step.status === 'running' ? 'error' : 'skipped',
      error: reason,
      finishedAt: clock.now(),
    });
    deps.live.end(step.id);
  }
}
