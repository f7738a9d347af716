/**
 * One model for everything git tells Trunkline, whichever host it comes
 * from (the built-in host's ref updates, Gitea, GitHub, GitLab webhooks).
 * Builds are made from it; nothing downstream knows the host's format.
 */

/** What happened, as a build event: `create`/`delete` are a branch created or deleted. */
export type GitEventKind = 'push' | 'create' | 'delete' | 'tag' | 'pull_request';

export type GitProvider = 'builtin' | 'gitea' | 'github' | 'gitlab';

export type PullRequestAction = 'opened' | 'synchronized' | 'reopened' | 'closed' | 'merged' | 'edited';

export interface GitEvent {
  provider: GitProvider;
  /** The host's delivery id (webhooks), for recognising redeliveries. */
  deliveryId?: string;
  kind: GitEventKind;
  /** Sub-action for pull requests. */
  action?: PullRequestAction;
  repo: {
    namespace: string;
    name: string;
    /** Where the host serves the repository for cloning, when the payload says. */
    cloneUrl?: string;
    /** Web page of the repository. */
    link?: string;
    defaultBranch?: string;
    private?: boolean;
  };
  /** Full ref: `refs/heads/x`, `refs/tags/v1`, `refs/pull/7/head`, `refs/merge-requests/7/head`. */
  ref: string;
  /** The branch for push/create/delete; the target branch for pull requests; empty for tags. */
  branch: string;
  tag?: string;
  /** Commit before the update; all zeros for a created ref. */
  before: string;
  /** Commit after the update; all zeros for a deleted ref. */
  after: string;
  /** The commit to build: `after`, or for a deleted branch its last commit (`before`). */
  commit: string;
  /** A forced (non-fast-forward) update of a branch. */
  forced?: boolean;
  pullRequest?: {
    number: number;
    title: string;
    sourceBranch: string;
    targetBranch: string;
    link?: string;
  };
  /** Head commit details when the payload carries them (else read with git). */
  headCommit?: {
    message: string;
    authorName: string;
    authorEmail: string;
    authorLogin?: string;
    link?: string;
  };
  /** Changed file paths when the payload carries them (else computed with git). */
  changedFiles?: string[];
  /** Login of who pushed or acted. */
  sender?: string;
}

/** A webhook or push that does not become a build, and why. */
export interface IgnoredEvent {
  ignored: string;
}
