import { resolveCommit, type GitEvent } from '../git/index.ts';
import type { BuildRecord, RepoRecord } from '../store/index.ts';
import type { BuildDeps } from './deps.ts';
import { triggerBuild } from './trigger.ts';

const isZero = (sha: string) => /^0*$/.test(sha);

/**
 * A git event becomes a build of its commit: a push, a new branch, a tag, a
 * pull request — and a deleted branch, built at its last commit so that
 * pipelines triggered on `delete` can tear down what the branch had.
 */
export async function buildFromEvent(deps: BuildDeps, repo: RepoRecord, event: GitEvent): Promise<BuildRecord> {
  let commit = event.commit;
  if (event.kind === 'delete' && isZero(commit)) {
    // Some hosts do not say which commit a deleted branch had: the local copy still knows until it is updated.
    commit = await resolveCommit(deps.mirrors.for(repo).path, event.ref);
  }
  return triggerBuild(deps, repo, {
    event: event.kind,
    action: event.action,
    ref: event.ref,
    branch: event.kind === 'tag' ? undefined : event.pullRequest ? event.pullRequest.sourceBranch : event.branch,
    commit,
    before: isZero(event.before) ? undefined : event.before,
    pullRequest: event.pullRequest?.number,
    sourceBranch: event.pullRequest?.sourceBranch,
    targetBranch: event.pullRequest?.targetBranch,
    trigger: event.sender ?? '@hook',
    changedFiles: event.changedFiles,
  });
}
