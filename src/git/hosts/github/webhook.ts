import type { GitEvent, IgnoredEvent, PullRequestAction } from '../../event.ts';
import type { WebhookAdapter } from '../contract.ts';
import { compact } from '../shared/compact.ts';
import { changedFilesOf } from '../shared/files.ts';
import { header } from '../shared/headers.ts';
import { fullName, memberOf, parsePayload, splitFullName } from '../shared/payload.ts';
import { pullRequestEvent } from '../shared/pull-request.ts';
import { classifyRef } from '../shared/refs.ts';
import { verifyHmacSha256 } from '../shared/signature.ts';
import { pullRequestPayload, pushPayload } from './schema.ts';
import type { GithubCommit, GithubRepository } from './schema.ts';

/** GitHub lists at most this many commits in a push payload; a list this long may be cut, so git computes the files. */
export const GITHUB_MAX_PUSH_COMMITS = 20;

/**
 * GitHub webhooks (`X-GitHub-Event`, `X-GitHub-Delivery`,
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`).
 *
 * A branch created or deleted arrives twice: as a `push` (with `created` or
 * `deleted`, and the commits) and as a `create`/`delete` event (no commit
 * for a deletion). Trunkline takes both from the `push`, so one branch
 * change gives exactly one event, and ignores `create`/`delete`.
 */
export const githubWebhooks: WebhookAdapter = {
  provider: 'github',

  repository(body) {
    const name = memberOf(memberOf(body, 'repository'), 'full_name');
    return fullName.safeParse(name).success ? (name as string) : undefined;
  },

  verify(headers, rawBody, secret) {
    const signature = header(headers, 'x-hub-signature-256');
    if (signature === undefined || !signature.startsWith('sha256=')) return false;
    return verifyHmacSha256(signature.slice('sha256='.length), rawBody, secret);
  },

  deliveryId(headers) {
    return header(headers, 'x-github-delivery');
  },

  parse(headers, body) {
    const event = header(headers, 'x-github-event');
    const deliveryId = header(headers, 'x-github-delivery');
    switch (event) {
      case 'push':
        return parsePush(body, deliveryId);
      case 'pull_request':
        return parsePullRequest(body, deliveryId);
      case 'ping':
        return { ignored: 'ping: GitHub checks that the webhook is reachable' };
      case 'create':
      case 'delete':
        return { ignored: `${event} event: branch and tag ${event === 'create' ? 'creation' : 'deletion'} is taken from the push event` };
      case undefined:
        return { ignored: 'no X-GitHub-Event header' };
      default:
        return { ignored: `GitHub event "${event}" does not start builds` };
    }
  },
};

function parsePush(body: unknown, deliveryId: string | undefined): GitEvent[] | IgnoredEvent {
  const push = parsePayload(pushPayload, body, 'github push payload');
  const target = classifyRef(push.ref);
  const common = {
    provider: 'github' as const,
    deliveryId,
    repo: repoOf(push.repository),
    ref: push.ref,
    before: push.before,
    after: push.after,
    sender: push.sender?.login,
  };
  const commits = push.commits ?? [];
  const headCommit = push.head_commit ? headCommitOf(push.head_commit) : undefined;
  // An annotated tag's `after` is the tag object; head_commit is the commit it points at.
  const commit = push.head_commit?.id ?? push.after;
  if (target.type === 'other') return { ignored: `push to ${push.ref}, neither a branch nor a tag` };
  if (target.type === 'tag') {
    if (push.deleted) return { ignored: `tag ${target.name} deleted` };
    return [compact<GitEvent>({ ...common, kind: 'tag', branch: '', tag: target.name, commit, headCommit })];
  }
  if (push.deleted) return [compact<GitEvent>({ ...common, kind: 'delete', branch: target.name, commit: push.before })];
  if (push.created) return [compact<GitEvent>({ ...common, kind: 'create', branch: target.name, commit, headCommit })];
  return [
    compact<GitEvent>({
      ...common,
      kind: 'push',
      branch: target.name,
      commit,
      forced: push.forced,
      headCommit,
      changedFiles: changedFilesOf(commits, commits.length < GITHUB_MAX_PUSH_COMMITS),
    }),
  ];
}

const PULL_REQUEST_ACTIONS: Record<string, PullRequestAction> = {
  opened: 'opened',
  synchronize: 'synchronized',
  reopened: 'reopened',
  closed: 'closed',
  edited: 'edited',
};

function parsePullRequest(body: unknown, deliveryId: string | undefined): GitEvent[] | IgnoredEvent {
  const payload = parsePayload(pullRequestPayload, body, 'github pull_request payload');
  let action = PULL_REQUEST_ACTIONS[payload.action];
  if (action === undefined) return { ignored: `pull_request action "${payload.action}" does not start builds` };
  if (action === 'closed' && payload.pull_request.merged === true) action = 'merged';
  const pr = payload.pull_request;
  return [
    pullRequestEvent({
      provider: 'github',
      deliveryId,
      action,
      repo: repoOf(payload.repository),
      number: payload.number,
      title: pr.title,
      sourceBranch: pr.head.ref,
      targetBranch: pr.base.ref,
      link: pr.html_url,
      head: pr.head.sha,
      previousHead: action === 'synchronized' ? payload.before : undefined,
      sender: payload.sender?.login,
    }),
  ];
}

function repoOf(repository: GithubRepository): GitEvent['repo'] {
  return {
    ...splitFullName(repository.full_name),
    cloneUrl: repository.clone_url,
    link: repository.html_url,
    defaultBranch: repository.default_branch,
    private: repository.private,
  };
}

function headCommitOf(commit: GithubCommit): NonNullable<GitEvent['headCommit']> {
  return {
    message: commit.message,
    authorName: commit.author.name,
    authorEmail: commit.author.email ?? '',
    authorLogin: commit.author.username,
    link: commit.url,
  };
}
