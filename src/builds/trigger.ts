import { NotFoundError } from '../core/index.ts';
import { readCommit, resolveCommit } from '../git/index.ts';
import type { BuildEvent } from '../pipeline/index.ts';
import type { BuildRecord, RepoRecord } from '../store/index.ts';
import type { BuildDeps } from './deps.ts';
import { scheduleBuild } from './schedule.ts';

export interface TriggerRequest {
  event: BuildEvent;
  /** Branch to build; default: the commit's ref, else the repository's default branch. */
  branch?: string;
  /** Full ref (`refs/heads/x`, `refs/tags/v1`, `refs/pull/1/head`). */
  ref?: string;
  /** Exact commit; default: the tip of `ref`/`branch`. */
  commit?: string;
  before?: string;
  action?: string;
  deployTo?: string;
  pullRequest?: number;
  sourceBranch?: string;
  targetBranch?: string;
  params?: Record<string, string>;
  /** Login of the user (or `@hook`) starting the build. */
  trigger: string;
  parentNumber?: number;
  /** Changed paths when the event said (webhook payloads); otherwise computed with git. */
  changedFiles?: string[];
}

/**
 * Starts a build: updates the repository's mirror, resolves the commit,
 * records the build (numbered atomically) and schedules its pipelines.
 */
export async function triggerBuild(deps: BuildDeps, repo: RepoRecord, request: TriggerRequest): Promise<BuildRecord> {
  const mirror = deps.mirrors.for(repo);
  await mirror.update();

  const tag = request.ref?.startsWith('refs/tags/') ? request.ref.slice('refs/tags/'.length) : undefined;
  const branch = request.branch ?? (request.ref?.startsWith('refs/heads/') ? request.ref.slice('refs/heads/'.length) : repo.defaultBranch);
  const ref = request.ref ?? `refs/heads/${branch}`;
  const sha = await resolveCommit(mirror.path, request.commit ?? ref).catch((error: unknown) => {
    if (error instanceof NotFoundError) throw new NotFoundError(`${repo.slug} has no commit or ref "${request.commit ?? ref}"`);
    throw error;
  });
  const commit = await readCommit(mirror.path, sha);

  const build = await deps.store.builds.create({
    repoId: repo.id,
    event: request.event,
    action: request.action,
    ref,
    branch: request.targetBranch ?? branch,
    sourceBranch: request.sourceBranch ?? branch,
    targetBranch: request.targetBranch ?? branch,
    commitSha: sha,
    beforeSha: request.before,
    message: commit.message,
    authorName: commit.authorName,
    authorEmail: commit.authorEmail,
    authorLogin: commit.authorName,
    tag,
    pullRequest: request.pullRequest,
    deployTo: request.deployTo,
    trigger: request.trigger,
    params: request.params,
    parentNumber: request.parentNumber,
  });
  deps.logger.info({ repo: repo.slug, build: build.number, sha: sha.slice(0, 8), event: build.event }, 'build created');
  deps.changes.emit(build);
  await scheduleBuild(deps, repo, build, request.changedFiles);
  return deps.store.builds.get(build.id);
}
