/**
 * One stage's run, from the queue's point of view, shared by the local
 * worker and remote runners: begin (the stage is running on a machine),
 * what the run needs (plan, steps, secrets, Trunkline access, limits), and
 * the end (stage result, job done, the build advances).
 */
import { ConflictError, messageOf } from '../core/index.ts';
import type { PlanPipeline } from '../pipeline/index.ts';
import type { BuildRecord, JobRecord, StageRecord, StepRecord } from '../store/index.ts';
import { advanceBuild } from './advance.ts';
import { STAGE_JOB, type BuildDeps, type StageJobPayload } from './deps.ts';
import { isFinished } from './status.ts';
import { updateBuild } from './update-build.ts';

export interface StageAccess {
  environment: Record<string, string>;
  credentials: Record<string, string>;
  release(): Promise<void>;
}

export const noAccess: StageAccess = { environment: {}, credentials: {}, release: async () => {} };

export interface StageLimits {
  stepTimeoutMs: number;
  logLimitBytes: number;
}

/** Everything a machine needs to run a stage. */
export interface StageAssignment {
  build: BuildRecord;
  stage: StageRecord;
  pipeline: PlanPipeline;
  steps: StepRecord[];
  secrets: Record<string, string>;
  access: StageAccess;
  timeoutMs: number;
  /** The repository is trusted (privileged steps, host volumes). */
  trusted: boolean;
}

/**
 * Marks the claimed stage running on `machine`; undefined when there is
 * nothing to run any more (the stage or build ended meanwhile: the job is
 * completed).
 */
export async function beginStage(deps: BuildDeps, job: JobRecord, owner: string, machine: string): Promise<{ build: BuildRecord; stage: StageRecord } | undefined> {
  const { store, clock } = deps;
  const { buildId, stageId } = job.payload as StageJobPayload;
  const stage = await store.stages.get(stageId);
  const build = await store.builds.get(buildId);
  if (stage.status !== 'pending' || isFinished(build.status)) {
    await store.jobs.complete(job.id, owner);
    return undefined;
  }
  const now = clock.now();
  // Guarded: a stage queued twice (a replica's recovery racing another's advance) starts once.
  const running = await store.stages.update(stage.id, { status: 'running', startedAt: now, machine }, { ifStatus: ['pending'] }).catch((error: unknown) => {
    if (error instanceof ConflictError) return undefined;
    throw error;
  });
  if (!running) {
    await store.jobs.complete(job.id, owner);
    return undefined;
  }
  if (build.status === 'pending') await updateBuild(deps, build.id, { status: 'running', startedAt: now }, { ifStatus: ['pending'] }).catch(() => {});
  return { build, stage: running };
}

export async function prepareStage(
  deps: BuildDeps,
  build: BuildRecord,
  stage: StageRecord,
  stageAccess: ((build: BuildRecord, stage: StageRecord) => Promise<StageAccess>) | undefined,
): Promise<StageAssignment> {
  const { store } = deps;
  const pipeline = stage.plan as PlanPipeline;
  const steps = await store.steps.listByStage(stage.id);
  const secrets = await secretsFor(deps, build, pipeline);
  const repo = await store.repos.get(build.repoId);
  const access = (await stageAccess?.(build, stage)) ?? noAccess;
  const timeoutMs = (pipeline.timeoutSeconds ? pipeline.timeoutSeconds * 1000 : undefined) ?? repo.timeoutMinutes * 60_000;
  return { build, stage, pipeline, steps, secrets, access, timeoutMs, trusted: repo.trusted };
}

/** Records the stage's result, completes its job and moves the build on. */
export async function finishStage(deps: BuildDeps, job: JobRecord, owner: string, result: { status: StageRecord['status']; error?: string }): Promise<void> {
  const { buildId, stageId } = job.payload as StageJobPayload;
  // First the job: a machine that lost its lease meanwhile gets a ConflictError and changes nothing.
  await deps.store.jobs.complete(job.id, owner);
  await deps.store.stages.update(stageId, { status: result.status, error: result.error ?? null, finishedAt: deps.clock.now() });
  await advanceBuild(deps, buildId);
}

/** The run broke (not the user's steps): the stage is errored with the reason. */
export async function breakStage(deps: BuildDeps, job: JobRecord, owner: string, error: unknown): Promise<void> {
  const { buildId, stageId } = job.payload as StageJobPayload;
  await abandonStage(deps, stageId, messageOf(error));
  await deps.store.jobs.fail(job.id, owner, messageOf(error));
  await advanceBuild(deps, buildId);
}

/** Secret values the pipeline refers to; pull requests only get those allowed for them. */
async function secretsFor(deps: BuildDeps, build: BuildRecord, pipeline: PlanPipeline): Promise<Record<string, string>> {
  const { store } = deps;
  const wanted = new Set([...pipeline.steps, ...pipeline.services].flatMap((step) => step.secrets.map((ref) => ref.secret)));
  if (wanted.size === 0) return {};
  let names = [...wanted];
  if (build.event === 'pull_request') {
    const allowed = new Set((await store.secrets.list(build.repoId)).filter((s) => s.allowPullRequest).map((s) => s.name));
    names = names.filter((name) => allowed.has(name));
  }
  return store.secrets.reveal(build.repoId, names);
}

/** Marks a stage that can no longer finish as errored, with its unfinished steps. */
export async function abandonStage(deps: BuildDeps, stageId: string, reason: string): Promise<void> {
  const { store, clock } = deps;
  const stage = await store.stages.get(stageId);
  if (!isFinished(stage.status)) await store.stages.update(stageId, { status: 'error', error: reason, finishedAt: clock.now() });
  for (const step of await store.steps.listByStage(stageId)) {
    if (isFinished(step.status)) continue;
    const record = await store.steps.update(step.id, {
      status: step.status === 'running' ? 'error' : 'skipped',
      error: reason,
      finishedAt: clock.now(),
    });
    deps.live.end(step.id);
    deps.changes.stepFinished(record);
  }
}

/**
 * Stages whose machine stopped renewing its lease: failed with the reason
 * (the default), or with `requeue`, run again from the start on another
 * machine (up to `maxAttempts` leases), their steps reset.
 */
export async function settleExpiredLeases(deps: BuildDeps, options: { requeue: boolean; maxAttempts: number }): Promise<void> {
  const expired = await deps.store.jobs.expireLeases(deps.clock.now(), { requeue: options.requeue, maxAttempts: options.maxAttempts, kinds: [STAGE_JOB] });
  for (const job of expired) {
    const { buildId, stageId } = job.payload as StageJobPayload;
    const machine = job.leaseOwner ?? 'unknown';
    if (job.status === 'queued') {
      await resetStage(deps, stageId, `${machine} stopped responding (lease expired); running the stage again (attempt ${job.attempts + 1})`);
      deps.queued.notify();
      continue;
    }
    await abandonStage(deps, stageId, `${machine} stopped responding (lease expired)`);
    await advanceBuild(deps, buildId);
  }
}

async function resetStage(deps: BuildDeps, stageId: string, note: string): Promise<void> {
  const { store } = deps;
  await store.stages.update(stageId, { status: 'pending', error: note, machine: null, startedAt: null });
  for (const step of await store.steps.listByStage(stageId)) {
    if (step.status === 'pending') continue;
    // The new run writes its lines from position 0 again; the stage keeps the note of why.
    await store.logs.deleteByStep(step.id);
    deps.live.end(step.id);
    await store.steps.update(step.id, { status: 'pending', error: null, exitCode: null, startedAt: null, finishedAt: null });
  }
}
