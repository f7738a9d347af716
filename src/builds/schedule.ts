import { isTrunklineError, messageOf } from '../core/index.ts';
import { changedFiles, readFileAt, type ConfigRequest, type ConfigResolution } from '../git/index.ts';
import { compilePlan, formatDiagnostic, parsePipelineFile, type Diagnostic, type PlanPipeline } from '../pipeline/index.ts';
import type { BuildRecord, RepoRecord, StageInput } from '../store/index.ts';
import { advanceBuild } from './advance.ts';
import { updateBuild } from './update-build.ts';
import { buildContextOf } from './context.ts';
import type { BuildDeps } from './deps.ts';

/**
 * Turns a created build into stages and steps: finds its pipeline file
 * (the repository's own, or the central configuration's), compiles it,
 * records every pipeline (skipped ones with their reason) and queues those
 * that can start.
 */
export async function scheduleBuild(deps: BuildDeps, repo: RepoRecord, build: BuildRecord, knownChanges?: string[]): Promise<void> {
  const copy = deps.mirrors.for(repo);
  let config: ConfigResolution;
  try {
    config = await deps.config.resolve(configRequest(repo, build, deps, copy.path));
  } catch (error) {
    if (!isTrunklineError(error)) throw error;
    await finishUnrun(deps, build, 'error', `cannot get the pipeline configuration: ${messageOf(error)}`);
    return;
  }
  if (config.source === 'none') {
    await finishUnrun(deps, build, 'skipped', config.reason);
    return;
  }

  const files = knownChanges ?? (await changesOf(copy.path, repo, build));
  const context = buildContextOf(repo, build, { cloneUrl: copy.path, changedFiles: files }, deps.server);
  let pipelines: PlanPipeline[];
  try {
    pipelines = compilePlan(parsePipelineFile(config.text, config.file), context).pipelines;
  } catch (error) {
    if (!isTrunklineError(error) || error.code !== 'config') throw error;
    const diagnostics = (Array.isArray(error.details) ? error.details : []) as Diagnostic[];
    const lines = diagnostics.length > 0 ? diagnostics.map(formatDiagnostic) : [messageOf(error)];
    await finishUnrun(deps, build, 'error', `invalid pipeline file:\n${lines.join('\n')}`);
    return;
  }
  if (pipelines.length === 0) {
    await finishUnrun(deps, build, 'error', `${config.file} defines no pipeline`);
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

/**
 * What a build changed, for `paths` conditions: since the previous tip for
 * a push; since the fork point from the target branch for a pull request,
 * and from the default branch for a new branch. Undefined when git cannot
 * tell (then `paths` conditions match).
 */
async function changesOf(localPath: string, repo: RepoRecord, build: BuildRecord): Promise<string[] | undefined> {
  const fork =
    build.event === 'pull_request' ? build.targetBranch : build.event === 'create' && build.branch !== repo.defaultBranch ? repo.defaultBranch : undefined;
  const base = fork ? `refs/heads/${fork}` : build.beforeSha || undefined;
  return changedFiles(localPath, base, build.commitSha, { fork: fork !== undefined }).catch(() => undefined);
}

function configRequest(repo: RepoRecord, build: BuildRecord, deps: BuildDeps, localPath: string): ConfigRequest {
  return {
    repo: {
      namespace: repo.namespace,
      name: repo.name,
      slug: repo.slug,
      configPath: repo.configPath,
      defaultBranch: repo.defaultBranch,
      cloneUrl: repo.cloneUrl,
      link: `${deps.server.url}/repos/${repo.slug}`,
      visibility: repo.visibility,
      trusted: repo.trusted,
    },
    build: {
      number: build.number,
      event: build.event,
      action: build.action,
      ref: build.ref,
      branch: build.branch,
      sourceBranch: build.sourceBranch,
      targetBranch: build.targetBranch,
      commitSha: build.commitSha,
      beforeSha: build.beforeSha,
      message: build.message,
      authorLogin: build.authorLogin,
      authorName: build.authorName,
      authorEmail: build.authorEmail,
      created: Math.floor(build.createdAt / 1000),
    },
    readRepoFile: (path) => readFileAt(localPath, build.commitSha, path),
  };
}

/** A build none of whose pipelines can run: finished at once with the reason. */
async function finishUnrun(deps: BuildDeps, build: BuildRecord, status: 'error' | 'skipped', reason: string): Promise<void> {
  deps.logger.warn({ build: build.id, reason }, status === 'error' ? 'build not runnable' : 'build has no pipeline');
  await updateBuild(deps, build.id, { status, error: reason, finishedAt: deps.clock.now() });
}
