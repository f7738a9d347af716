import type { StageRecord } from '../store/index.ts';
import { advanceBuild } from './advance.ts';
import { scheduleBuild } from './schedule.ts';
import { STAGE_JOB, type BuildDeps, type StageJobPayload } from './deps.ts';
import { abandonStage } from './stage-run.ts';

export const RESTART_REASON = 'server restarted';

/**
 * Runs once at start-up, before the worker claims anything. A process that
 * died (even by SIGKILL) leaves its leases, running stages and unqueued
 * work in the store; this settles all of it so no build is lost or stuck:
 * - stages this owner was running are failed with "server restarted",
 *   logs kept, and step processes that outlived the server are ended;
 * - builds never planned are planned, and stages that were ready but
 *   whose job was never queued are queued;
 * - queued jobs simply run.
 */
export async function recoverAfterRestart(
  deps: BuildDeps,
  owner: string,
  /** Ends what a stage's dead run left behind (processes, folders). */
  reap: (stage: StageRecord) => Promise<void>,
): Promise<{ failed: number; requeued: number }> {
  const { store } = deps;
  let failed = 0;
  for (const job of await store.jobs.list({ status: 'leased', kind: STAGE_JOB })) {
    if (job.leaseOwner !== owner) continue; // another live server's work
    const { buildId, stageId } = job.payload as StageJobPayload;
    await store.jobs.fail(job.id, owner, RESTART_REASON);
    await reap(await store.stages.get(stageId)).catch((error: unknown) => deps.logger.warn({ stage: stageId, err: error }, 'could not reap a dead run'));
    await abandonStage(deps, stageId, RESTART_REASON);
    await advanceBuild(deps, buildId);
    failed++;
  }

  const queued = new Set(
    (await store.jobs.list({ status: 'queued', kind: STAGE_JOB })).map((job) => (job.payload as StageJobPayload).stageId),
  );
  let requeued = 0;
  for (const build of await store.builds.listByStatus(['pending', 'running'])) {
    const stages = await store.stages.listByBuild(build.id);
    if (stages.length === 0) {
      // Created but never planned: plan it now.
      await scheduleBuild(deps, await store.repos.get(build.repoId), build);
      requeued++;
      continue;
    }
    for (const stage of stages) {
      if (stage.status === 'pending' && !queued.has(stage.id)) {
        await store.stages.update(stage.id, { status: 'waiting' });
        requeued++;
      }
      if (stage.status === 'running' && stage.machine === owner) {
        await reap(stage).catch((error: unknown) => deps.logger.warn({ stage: stage.id, err: error }, 'could not reap a dead run'));
        await abandonStage(deps, stage.id, RESTART_REASON);
        failed++;
      }
    }
    await advanceBuild(deps, build.id);
  }
  return { failed, requeued };
}
