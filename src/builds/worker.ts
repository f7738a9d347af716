import type { Logger } from '../core/index.ts';
import type { PlanPipeline } from '../pipeline/index.ts';
import { runPipeline, type Backend } from '../runner/index.ts';
import type { BuildRecord, JobRecord, StageRecord } from '../store/index.ts';
import { STAGE_JOB, type BuildDeps, type StageJobPayload } from './deps.ts';
import { recordingObserver } from './observer.ts';
import { claimLabels, type WorkerTraits } from './routing.ts';
import { beginStage, breakStage, finishStage, prepareStage, settleExpiredLeases, type StageAccess } from './stage-run.ts';

export type { StageAccess } from './stage-run.ts';
export { abandonStage } from './stage-run.ts';

export interface WorkerOptions {
  /** Job owner name; stable across restarts of the same server. */
  owner: string;
  /** Stages run at once; 0 leaves all work to runners. */
  capacity: number;
  /** The backend for a pipeline; rejects with `ConfigError` naming the type when none can run it. */
  backendFor(pipeline: PlanPipeline): Promise<Backend>;
  /**
   * What this machine offers for routing. Its `types` may list types no
   * backend here runs, so that such a pipeline errors with the reason
   * rather than waiting for a runner (see `localTypes`).
   */
  traits(): Promise<WorkerTraits>;
  stepTimeoutMs: number;
  logLimitBytes: number;
  leaseMs?: number;
  /** Lost leases: `requeue` runs the stage again elsewhere (up to 3 leases), else it fails with the reason. */
  lostStages?: 'fail' | 'requeue';
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
 * interval only matters for work queued elsewhere. It also settles leases
 * that expired, its own or remote runners'.
 */
export class StageWorker {
  private readonly deps: BuildDeps;
  private readonly options: Required<Omit<WorkerOptions, 'stageAccess'>> & Pick<WorkerOptions, 'stageAccess'>;
  private readonly logger: Logger;
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(deps: BuildDeps, options: WorkerOptions) {
    this.deps = deps;
    this.options = { leaseMs: 30_000, pollMs: 2_000, lostStages: 'fail', ...options };
    this.logger = deps.logger.child({ component: 'worker', owner: options.owner });
  }

  get leaseMs(): number {
    return this.options.leaseMs;
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
      const epoch = this.deps.queued.epoch;
      try {
        await settleExpiredLeases(this.deps, { requeue: this.options.lostStages === 'requeue', maxAttempts: 3 });
        if (this.running.size < this.options.capacity) {
          const labels = claimLabels(await this.options.traits());
          while (!this.stopped && this.running.size < this.options.capacity) {
            const job = await this.deps.store.jobs.claim({ owner: this.options.owner, leaseMs: this.options.leaseMs, kinds: [STAGE_JOB], labels });
            if (!job) break;
            this.track(job);
          }
        }
      } catch (error) {
        this.logger.error({ err: error }, 'claiming work failed');
      }
      await this.deps.queued.wait(this.options.pollMs, undefined, epoch);
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
    const { owner } = this.options;
    const begun = await beginStage(this.deps, job, owner, owner);
    if (!begun) return;
    const logger = this.logger.child({ build: begun.build.id, number: begun.build.number, stage: begun.stage.name });
    const heartbeat = setInterval(() => {
      this.deps.store.jobs.heartbeat(job.id, owner, this.options.leaseMs).catch((error: unknown) => {
        logger.warn({ err: error }, 'lost the lease of a running stage');
      });
    }, this.options.leaseMs / 3);
    try {
      const assignment = await prepareStage(this.deps, begun.build, begun.stage, this.options.stageAccess);
      let result;
      try {
        result = await runPipeline({
          run: { id: begun.stage.id, pipeline: assignment.pipeline, trusted: assignment.trusted },
          backend: await this.options.backendFor(assignment.pipeline),
          secrets: assignment.secrets,
          signal,
          timeoutMs: assignment.timeoutMs,
          stepTimeoutMs: this.options.stepTimeoutMs,
          logLimitBytes: this.options.logLimitBytes,
          observer: recordingObserver(this.deps, assignment.steps),
          logger,
          clock: this.deps.clock,
          environment: assignment.access.environment,
          credentials: assignment.access.credentials,
        });
      } finally {
        await assignment.access.release();
      }
      await finishStage(this.deps, job, owner, result);
    } catch (error) {
      await breakStage(this.deps, job, owner, error);
    } finally {
      clearInterval(heartbeat);
    }
  }
}
