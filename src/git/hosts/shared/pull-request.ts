import { ZERO_SHA } from '../../commits.ts';
import type { GitEvent, PullRequestAction } from '../../event.ts';
import { compact } from './compact.ts';

export interface PullRequestFacts {
  provider: 'gitea' | 'github' | 'gitlab';
  deliveryId: string | undefined;
  action: PullRequestAction;
  repo: GitEvent['repo'];
  number: number;
  title: string;
  sourceBranch: string;
  targetBranch: string;
  link: string | undefined;
  /** The pull request's head commit. */
  head: string;
  /** The head before this update, when the host says (GitHub `before` on synchronize, GitLab `oldrev`). */
  previousHead: string | undefined;
  sender: string | undefined;
  headCommit?: GitEvent['headCommit'];
}

/**
 * One pull/merge request event, alike for every host: the ref is the
 * host's head ref (`refs/pull/N/head`, GitLab `refs/merge-requests/N/head`),
 * `branch` the target branch, `commit` the head commit, `before` the
 * previous head when known and all zeros otherwise. Changed files are
 * never in these payloads, so git computes them.
 */
export function pullRequestEvent(facts: PullRequestFacts): GitEvent {
  const ref = facts.provider === 'gitlab' ? `refs/merge-requests/${facts.number}/head` : `refs/pull/${facts.number}/head`;
  return compact<GitEvent>({
    provider: facts.provider,
    deliveryId: facts.deliveryId,
    kind: 'pull_request',
    action: facts.action,
    repo: facts.repo,
    ref,
    branch: facts.targetBranch,
    before: facts.previousHead ?? ZERO_SHA,
    after: facts.head,
    commit: facts.head,
    pullRequest: {
      number: facts.number,
      title: facts.title,
      sourceBranch: facts.sourceBranch,
      targetBranch: facts.targetBranch,
      link: facts.link,
    },
    headCommit: facts.headCommit,
    sender: facts.sender,
  });
}
