import { ConfigError, messageOf } from '../core/index.ts';
import { changedFiles, readFileAt } from '../git/index.ts';
import { compilePlan, formatDiagnostic, parsePipelineFile, type Diagnostic, type PlanPipeline } from '../pipeline/index.ts';
import type { BuildRecord, RepoRecord, StageInput } from '../store/index.ts';
import { advanceBuild } from './advance.ts';
import { buildContextOf } from './context.ts';
import type { BuildDeps } from './deps.ts';

/**
 * Turns a created build into stages and steps: reads the pipeline file at
 * the build's commit, compiles it, records every pipeline (skipped ones
 * with their reason) and queues those that can start.
 */
export async function scheduleBuild(deps: BuildDeps, repo: RepoRecord, build: BuildRecord): Promise<void> {
  const mirror = deps.mirrors.for(repo);
  const text = await readFileAt(mirror.path, build.commitSha, repo.configPath);
  if (text === undefined) {
    await failBuild(deps, build, `no pipeline file ${repo.configPath} at commit ${build.commitSha.slice(0, 8)}`);
    return;
  }
  const files = await changedFiles(mirror.path, build.beforeSha || undefined, build.commitSha).catch(() => undefined);
  const context = buildContextOf(repo, build, { cloneUrl: mirror.path, changedFiles: files }, deps.server);

  let pipelines: PlanPipeline[];
  try {
    pipelines = compilePlan(parsePipelineFile(text, repo.configPath), context).pipelines;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const diagnostics = (error.details ?? []) as Diagnostic[];
    const lines = Array.isArray(diagnostics) && diagnostics.length > 0 ? diagnostics.map(formatDiagnostic) : [messageOf(error)];
    await failBuild(deps, build, `invalid pipeline file:\n${lines.join('\n')}`);
    return;
  }
  if (pipelines.length === 0) {
    await failBuild(deps, build, `${repo.configPath} defines no pipeline`);
    return;
  }

  const inputs: StageInput[] = pipelines.map((pipeline) => ({
    name: pipeline.name,
    type: pipeline.type,
    status: pipeline.runPolicy === 'never' ? 'skipped' : 'waiting',
    dependsOn: pipeline.dependsOn,
    plan: pipeline,
    labels: pipeline.node,
    concurrencyLimit: pipeline.concurrencyLimit,
  }));
  const stages = await deps.store.stages.createMany(build.id, inputs);
  for (const [index, stage] of stages.entries()) {
    const pipeline = pipelines[index]!;
    if (pipeline.skipReason) await deps.store.stages.update(stage.id, { error: pipeline.skipReason });
    await deps.store.steps.createMany(
      stage.id,
      [...pipeline.services, ...pipeline.steps].map((step) => ({
        name: step.name,
        status: stage.status === 'skipped' ? 'skipped' : 'pending',
        detached: step.detach || step.kind === 'service',
      })),
    );
  }
  await advanceBuild(deps, build.id);
}

async function failBuild(deps: BuildDeps, build: BuildRecord, reason: string): Promise<void> {
  deps.logger.warn({ build: build.id, reason }, 'build not runnable');
  await deps.store.builds.update(build.id, { status: 'error', error: reason, finishedAt: deps.clock.now() });
}
