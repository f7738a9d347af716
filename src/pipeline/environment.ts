/**
 * The `DRONE_*`/`CI_*` variables Drone sets (runner-go environ) that are
 * known before a build runs, plus Trunkline's own. Status, timing and
 * location variables (`DRONE_BUILD_STATUS`, `DRONE_WORKSPACE`…) are added
 * by the runner. Build parameters come first so built-in names win, as in Drone.
 */
import type { BuildContext } from './context.ts';
import { imageTag } from './image-tag.ts';
import type { PlanPipeline } from './plan.ts';
import { semverVariables } from './semver.ts';

export function buildEnvironment(context: BuildContext): Record<string, string> {
  const { repo, build, commit, system } = context;
  const slug = `${repo.namespace}/${repo.name}`;
  const tag = commit.tag ?? (commit.ref.startsWith('refs/tags/') ? commit.ref.slice('refs/tags/'.length) : undefined);
  const env: Record<string, string> = {
    ...build.params,
    CI: 'true',
    DRONE: 'true',
    DRONE_SYSTEM_PROTO: system.proto,
    DRONE_SYSTEM_HOST: system.host,
    DRONE_SYSTEM_HOSTNAME: system.host,
    DRONE_SYSTEM_VERSION: system.version,

    DRONE_REPO: slug,
    DRONE_REPO_SCM: 'git',
    DRONE_REPO_OWNER: repo.namespace,
    DRONE_REPO_NAMESPACE: repo.namespace,
    DRONE_REPO_NAME: repo.name,
    DRONE_REPO_LINK: repo.link,
    DRONE_REPO_BRANCH: repo.defaultBranch,
    DRONE_REMOTE_URL: repo.cloneUrl,
    DRONE_GIT_HTTP_URL: repo.cloneUrl,
    DRONE_REPO_VISIBILITY: repo.visibility,
    DRONE_REPO_PRIVATE: String(repo.private),

    DRONE_BRANCH: commit.branch,
    DRONE_SOURCE_BRANCH: commit.sourceBranch,
    DRONE_TARGET_BRANCH: commit.targetBranch,
    DRONE_COMMIT: commit.sha,
    DRONE_COMMIT_SHA: commit.sha,
    DRONE_COMMIT_BEFORE: commit.before,
    DRONE_COMMIT_AFTER: commit.sha,
    DRONE_COMMIT_REF: commit.ref,
    DRONE_COMMIT_BRANCH: commit.branch,
    DRONE_COMMIT_LINK: commit.link,
    DRONE_COMMIT_MESSAGE: commit.message,
    DRONE_COMMIT_AUTHOR: commit.author.username,
    DRONE_COMMIT_AUTHOR_NAME: commit.author.name,
    DRONE_COMMIT_AUTHOR_EMAIL: commit.author.email,
    DRONE_COMMIT_AUTHOR_AVATAR: commit.author.avatar,

    DRONE_BUILD_NUMBER: String(build.number),
    DRONE_BUILD_PARENT: String(build.parent ?? 0),
    DRONE_BUILD_EVENT: build.event,
    DRONE_BUILD_ACTION: build.action ?? '',
    DRONE_BUILD_CREATED: String(build.created),
    DRONE_BUILD_LINK: build.link,
    DRONE_BUILD_TRIGGER: build.trigger,
    DRONE_DEPLOY_TO: build.deployTo ?? '',

    // Drone 0.8 names, still set by Drone for old plugins.
    CI_REPO: slug,
    CI_REPO_NAME: slug,
    CI_REPO_LINK: repo.link,
    CI_REPO_REMOTE: repo.cloneUrl,
    CI_REMOTE_URL: repo.cloneUrl,
    CI_REPO_PRIVATE: String(repo.private),
    CI_BUILD_NUMBER: String(build.number),
    CI_PARENT_BUILD_NUMBER: String(build.parent ?? 0),
    CI_BUILD_CREATED: String(build.created),
    CI_BUILD_EVENT: build.event,
    CI_BUILD_LINK: commit.link,
    CI_BUILD_TARGET: build.deployTo ?? '',
    CI_COMMIT_SHA: commit.sha,
    CI_COMMIT_REF: commit.ref,
    CI_COMMIT_BRANCH: commit.branch,
    CI_COMMIT_MESSAGE: commit.message,
    CI_COMMIT_AUTHOR: commit.author.username,
    CI_COMMIT_AUTHOR_NAME: commit.author.name,
    CI_COMMIT_AUTHOR_EMAIL: commit.author.email,
    CI_COMMIT_AUTHOR_AVATAR: commit.author.avatar,

    TRUNKLINE_SHA8: commit.sha.slice(0, 8),
    TRUNKLINE_IMAGE_TAG: imageTag(build.number, tag ?? commit.branch, commit.sha),
  };
  if (build.cron !== undefined) env.DRONE_CRON = build.cron;
  if (build.event === 'pull_request') {
    env.DRONE_PULL_REQUEST = String(commit.pullRequest ?? /\d+/.exec(commit.ref)?.[0] ?? '');
  }
  if (tag !== undefined) Object.assign(env, { DRONE_TAG: tag }, semverVariables(tag));
  return env;
}

/** Per pipeline (Drone's stage). `number` is the 1-based position in the file. */
export function stageEnvironment(pipeline: Pick<PlanPipeline, 'name' | 'type' | 'platform' | 'dependsOn'>, number: number): Record<string, string> {
  const env: Record<string, string> = {
    DRONE_STAGE_KIND: 'pipeline',
    DRONE_STAGE_TYPE: pipeline.type,
    DRONE_STAGE_NAME: pipeline.name,
    DRONE_STAGE_NUMBER: String(number),
    DRONE_STAGE_OS: pipeline.platform.os,
    DRONE_STAGE_ARCH: pipeline.platform.arch,
    DRONE_STAGE_DEPENDS_ON: pipeline.dependsOn.join(','),
  };
  if (pipeline.platform.variant) env.DRONE_STAGE_VARIANT = pipeline.platform.variant;
  if (pipeline.platform.version) env.DRONE_STAGE_VERSION = pipeline.platform.version;
  return env;
}

/** Per step; `number` is the 1-based position in the pipeline, the clone step being 1. */
export function stepEnvironment(name: string, number: number): Record<string, string> {
  return { DRONE_STEP_NAME: name, DRONE_STEP_NUMBER: String(number) };
}
