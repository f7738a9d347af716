import { ConflictError } from '../core/index.ts';
import type { PlanPipeline } from '../pipeline/index.ts';
import type { StageRecord } from '../store/index.ts';
import { updateBuild } from './update-build.ts';
import { STAGE_JOB, type BuildDeps, type StageJobPayload } from './deps.ts';
import { stageLabels } from './routing.ts';
import { buildStatusOf, isFailed, isFinished } from './status.ts';

/**
 * Moves a build forward after any change: waiting stages whose
 * dependencies have finished are queued or skipped (by their run policy,
 * like Drone), and once every stage has finished the build gets its final
 * status. Safe to call concurrently: each stage moves out of `waiting` at
 * most once (guarded update).
 */
export async function advanceBuild(deps: BuildDeps, buildId: string): Promise<void> {
  const { store } = deps;
  for (;;) {
    const stages = await store.stages.listByBuild(buildId);
    const byName = new Map(stages.map((stage) => [stage.name, stage]));
    let changed = false;
    for (const stage of stages) {
      if (stage.status !== 'waiting') continue;
      const dependencies = stage.dependsOn.map((name) => byName.get(name));
      if (!dependencies.every((dep) => dep === undefined || isFinished(dep.status))) continue;
      const anyFailed = dependencies.some((dep) => dep !== undefined && isFailed(dep.status));
      const skipReason = skipReasonOf(stage, anyFailed);
      changed = (await (skipReason ? skipStage(deps, stage, skipReason) : queueStage(deps, stage))) || changed;
    }
    if (!changed) break;
  }
  await finishIfDone(deps, buildId);
}

function skipReasonOf(stage: StageRecord, anyDependencyFailed: boolean): string | undefined {
  const policy = (stage.plan as PlanPipeline).runPolicy;
  if (policy === 'on-success' && anyDependencyFailed) return 'a pipeline it depends on failed';
  if (policy === 'on-failure' && !anyDependencyFailed) return 'runs only on failure, and nothing it depends on failed';
  return undefined;
}

async function queueStage(deps: BuildDeps, stage: StageRecord): Promise<boolean> {
  if (!(await moveFromWaiting(deps, stage, { status: 'pending' }))) return false;
  const build = await deps.store.builds.get(stage.buildId);
  const payload: StageJobPayload = { buildId: stage.buildId, stageId: stage.id };
  await deps.store.jobs.enqueue({
    kind: STAGE_JOB,
    payload,
    labels: stageLabels(stage.plan as PlanPipeline),
    ...(stage.concurrencyLimit ? { concurrencyKey: `${build.repoId}/${stage.name}`, concurrencyLimit: stage.concurrencyLimit } : {}),
  });
  deps.queued.notify();
  return true;
}

async function skipStage(deps: BuildDeps, stage: StageRecord, reason: string): Promise<boolean> {
  if (!(await moveFromWaiting(deps, stage, { status: 'skipped', error: reason }))) return false;
  for (const step of await deps.store.steps.listByStage(stage.id)) {
    await deps.store.steps.update(step.id, { status: 'skipped' });
  }
  return true;
}

async function moveFromWaiting(deps: BuildDeps, stage: StageRecord, patch: { status: 'pending' | 'skipped'; error?: string }): Promise<boolean> {
  try {
    await deps.store.stages.update(stage.id, patch, { ifStatus: ['waiting'] });
    return true;
  } catch (error) {
    if (error instanceof ConflictError) return false; // another caller moved it first
    throw error;
  }
}

async function finishIfDone(deps: BuildDeps, buildId: string): Promise<void> {
  const stages = await deps.store.stages.listByBuild(buildId);
  if (stages.length === 0 || !stages.every((stage) => isFinished(stage.status))) return;
  const build = await deps.store.builds.get(buildId);
  if (isFinished(build.status)) return;
  const status = buildStatusOf(stages);
  const error = stages.find((stage) => stage.status === 'error')?.error;
  try {
    await updateBuild(
      deps,
      buildId,
      { status, finishedAt: deps.clock.now(), ...(error ? { error } : {}) },
      { ifStatus: ['pending', 'running'] },
    );
  } catch (failure) {
    if (!(failure instanceof ConflictError)) throw failure;
  }
}
