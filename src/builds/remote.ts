/**
 * The server's side of remote runners (`trunkline runner`): a runner long-
 * polls for a stage it can run, holds the stage's lease by heartbeats, and
 * reports step states, log lines and the result, each checked against the
 * lease it holds. A runner that stops heartbeating loses the lease and its
 * stage is failed with the reason (or run again elsewhere) by the worker's
 * lease check, never left hanging.
 */
import { ConflictError, type Logger } from '../core/index.ts';
import type { PlanPipeline, PlanStep } from '../pipeline/index.ts';
import type { LogLine, RunObserver, StepResult } from '../runner/index.ts';
import type { BuildRecord, JobRecord, StageRecord, StageStatus } from '../store/index.ts';
import { STAGE_JOB, type BuildDeps, type StageJobPayload } from './deps.ts';
import { recordingObserver } from './observer.ts';
import { claimLabels, type WorkerTraits } from './routing.ts';
import { beginStage, breakStage, finishStage, prepareStage, type StageAccess } from './stage-run.ts';
import { isFinished } from './status.ts';

export interface RemoteRunner extends WorkerTraits {
  name: string;
}

/** What a runner receives: everything to run the stage, nothing more. */
export interface RemoteAssignment {
  job: { id: string; leaseMs: number };
  build: BuildRecord;
  stage: StageRecord;
  pipeline: PlanPipeline;
  steps: { id: string; name: string; number: number }[];
  secrets: Record<string, string>;
  environment: Record<string, string>;
  credentials: Record<string, string>;
  timeoutMs: number;
  trusted: boolean;
  stepTimeoutMs: number;
  logLimitBytes: number;
}

export interface RemoteStagesOptions {
  leaseMs: number;
  stepTimeoutMs: number;
  logLimitBytes: number;
  stageAccess?(build: BuildRecord, stage: StageRecord): Promise<StageAccess>;
}

interface Active {
  job: JobRecord;
  owner: string;
  observer: RunObserver;
  access: StageAccess;
}

export class RemoteStages {
  readonly #deps: BuildDeps;
  readonly #options: RemoteStagesOptions;
  readonly #logger: Logger;
  readonly #active = new Map<string, Active>();

  constructor(deps: BuildDeps, options: RemoteStagesOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#logger = deps.logger.child({ component: 'remote-runners' });
  }

  /** A stage for this runner, as soon as one is queued, or undefined after `waitMs`. */
  async claim(runner: RemoteRunner, waitMs: number, signal?: AbortSignal): Promise<RemoteAssignment | undefined> {
    await this.#forgetExpired();
    const owner = ownerOf(runner);
    const labels = claimLabels(runner);
    const deadline = this.#deps.clock.now() + waitMs;
    while (!signal?.aborted) {
      // Read before looking: work queued while we look wakes the wait below at once.
      const epoch = this.#deps.queued.epoch;
      const job = await this.#deps.store.jobs.claim({ owner, leaseMs: this.#options.leaseMs, kinds: [STAGE_JOB], labels });
      if (job) {
        const assignment = await this.#assign(job, owner, runner.name);
        if (assignment) return assignment;
        continue;
      }
      const left = deadline - this.#deps.clock.now();
      if (left <= 0) return undefined;
      await this.#deps.queued.wait(left, signal, epoch);
    }
    return undefined;
  }

  async #assign(job: JobRecord, owner: string, machine: string): Promise<RemoteAssignment | undefined> {
    const begun = await beginStage(this.#deps, job, owner, machine);
    if (!begun) return undefined;
    try {
      const prepared = await prepareStage(this.#deps, begun.build, begun.stage, this.#options.stageAccess);
      this.#active.set(job.id, { job, owner, observer: recordingObserver(this.#deps, prepared.steps), access: prepared.access });
      this.#logger.info({ build: begun.build.number, stage: begun.stage.name, runner: machine }, 'stage assigned to a runner');
      return {
        job: { id: job.id, leaseMs: this.#options.leaseMs },
        build: prepared.build,
        stage: prepared.stage,
        pipeline: prepared.pipeline,
        steps: prepared.steps.map((s) => ({ id: s.id, name: s.name, number: s.number })),
        secrets: prepared.secrets,
        environment: prepared.access.environment,
        credentials: prepared.access.credentials,
        timeoutMs: prepared.timeoutMs,
        trusted: prepared.trusted,
        stepTimeoutMs: this.#options.stepTimeoutMs,
        logLimitBytes: this.#options.logLimitBytes,
      };
    } catch (error) {
      await breakStage(this.#deps, job, owner, error);
      return undefined;
    }
  }

  /** Renews the lease; `cancel` tells the runner to stop (the build was cancelled or has ended). */
  async heartbeat(runner: RemoteRunner, jobId: string): Promise<{ cancel: boolean }> {
    const active = this.#held(runner, jobId);
    await this.#deps.store.jobs.heartbeat(jobId, active.owner, this.#options.leaseMs);
    const { buildId } = active.job.payload as StageJobPayload;
    return { cancel: isFinished((await this.#deps.store.builds.get(buildId)).status) };
  }

  async stepStarted(runner: RemoteRunner, jobId: string, step: string, at: number): Promise<void> {
    await this.#held(runner, jobId).observer.stepStarted(planStep(step), at);
  }

  async stepLog(runner: RemoteRunner, jobId: string, step: string, lines: LogLine[]): Promise<void> {
    await this.#held(runner, jobId).observer.stepLog(planStep(step), lines);
  }

  async stepFinished(runner: RemoteRunner, jobId: string, step: string, result: StepResult): Promise<void> {
    await this.#held(runner, jobId).observer.stepFinished(planStep(step), result);
  }

  /** The stage's result; or, with `broken`, the runner could not run it (not the steps' doing). */
  async complete(runner: RemoteRunner, jobId: string, result: { status: StageStatus; error?: string; broken?: boolean }): Promise<void> {
    const active = this.#held(runner, jobId);
    this.#active.delete(jobId);
    try {
      if (result.broken) await breakStage(this.#deps, active.job, active.owner, new Error(result.error ?? 'the runner could not run the stage'));
      else await finishStage(this.#deps, active.job, active.owner, result);
    } finally {
      await active.access.release();
    }
  }

  /** Releases what stages whose lease expired still hold (the worker's lease check settles the stages). */
  async #forgetExpired(): Promise<void> {
    for (const [jobId, active] of this.#active) {
      const job = await this.#deps.store.jobs.get(jobId);
      if (job.status === 'leased' && job.leaseOwner === active.owner) continue;
      this.#active.delete(jobId);
      await active.access.release();
    }
  }

  #held(runner: RemoteRunner, jobId: string): Active {
    const active = this.#active.get(jobId);
    if (!active || active.owner !== ownerOf(runner)) throw new ConflictError(`runner ${runner.name} holds no lease on job ${jobId} (expired, or the server restarted)`, { jobId });
    return active;
  }
}

function ownerOf(runner: RemoteRunner): string {
  return `runner:${runner.name}`;
}

function planStep(name: string): PlanStep {
  return { name } as PlanStep;
}
