import { ZERO_SHA } from '../../commits.ts';
import type { GitEvent, IgnoredEvent, PullRequestAction } from '../../event.ts';
import type { WebhookAdapter } from '../contract.ts';
import { compact } from '../shared/compact.ts';
import { changedFilesOf } from '../shared/files.ts';
import { header } from '../shared/headers.ts';
import { fullName, memberOf, parsePayload, splitFullName } from '../shared/payload.ts';
import { pullRequestEvent } from '../shared/pull-request.ts';
import { classifyRef, isZeroSha } from '../shared/refs.ts';
import { verifyHmacSha256 } from '../shared/signature.ts';
import { pullRequestPayload, pushPayload, refPayload } from './schema.ts';
import type { GiteaCommit, GiteaRepository } from './schema.ts';

/**
 * Gitea webhooks (`X-Gitea-Event`, `X-Gitea-Delivery`, `X-Gitea-Signature`
 * = hex HMAC-SHA256 of the body).
 *
 * Gitea announces a new branch twice (a `push` from all zeros and a
 * `create` event): Trunkline takes it from the `push`, which carries the
 * commits. A deleted branch comes only as a `delete` event, which names
 * the branch but not its last commit: that event is the source, with
 * `before`, `after` and `commit` all zeros (the mirror still knows the
 * branch's last commit until it fetches). Gitea sends no `forced` flag.
 */
export const giteaWebhooks: WebhookAdapter = {
  provider: 'gitea',

  repository(body) {
    const name = memberOf(memberOf(body, 'repository'), 'full_name');
    return fullName.safeParse(name).success ? (name as string) : undefined;
  },

  verify(headers, rawBody, secret) {
    return verifyHmacSha256(header(headers, 'x-gitea-signature'), rawBody, secret);
  },

  deliveryId(headers) {
    return header(headers, 'x-gitea-delivery');
  },

  parse(headers, body) {
    const event = header(headers, 'x-gitea-event');
    const deliveryId = header(headers, 'x-gitea-delivery');
    switch (event) {
      case 'push':
        return parsePush(body, deliveryId);
      case 'delete':
        return parseDelete(body, deliveryId);
      case 'create':
        return { ignored: 'create event: branch and tag creation is taken from the push event' };
      case 'pull_request':
        return parsePullRequest(body, deliveryId);
      case 'ping':
        return { ignored: 'ping: Gitea checks that the webhook is reachable' };
      case undefined:
        return { ignored: 'no X-Gitea-Event header' };
      default:
        return { ignored: `Gitea event "${event}" does not start builds` };
    }
  },
};

function parsePush(body: unknown, deliveryId: string | undefined): GitEvent[] | IgnoredEvent {
  const push = parsePayload(pushPayload, body, 'gitea push payload');
  const target = classifyRef(push.ref);
  if (target.type === 'other') return { ignored: `push to ${push.ref}, neither a branch nor a tag` };
  if (isZeroSha(push.after)) {
    return { ignored: target.type === 'tag' ? `tag ${target.name} deleted` : `branch ${target.name} deleted: taken from the delete event` };
  }
  const commits = push.commits ?? [];
  const common = {
    provider: 'gitea' as const,
    deliveryId,
    repo: repoOf(push.repository),
    ref: push.ref,
    before: push.before,
    after: push.after,
    // An annotated tag's `after` is the tag object; head_commit is the commit it points at.
    commit: push.head_commit?.id ?? push.after,
    headCommit: headCommitOf(push.head_commit ?? commits.find((c) => c.id === push.after)),
    sender: push.sender?.login ?? push.pusher?.login,
  };
  if (target.type === 'tag') return [compact<GitEvent>({ ...common, kind: 'tag', branch: '', tag: target.name })];
  // A new branch's commit list is its recent history, not what the push added: git computes its files.
  if (isZeroSha(push.before)) return [compact<GitEvent>({ ...common, kind: 'create', branch: target.name })];
  const complete = push.total_commits !== undefined && push.total_commits <= commits.length;
  return [compact<GitEvent>({ ...common, kind: 'push', branch: target.name, changedFiles: changedFilesOf(commits.map(filesOf), complete) })];
}

function parseDelete(body: unknown, deliveryId: string | undefined): GitEvent[] | IgnoredEvent {
  const payload = parsePayload(refPayload, body, 'gitea delete payload');
  const branch = payload.ref.replace(/^refs\/heads\//, '');
  if (payload.ref_type !== 'branch') return { ignored: `${payload.ref_type} ${payload.ref.replace(/^refs\/tags\//, '')} deleted` };
  return [
    compact<GitEvent>({
      provider: 'gitea',
      deliveryId,
      kind: 'delete',
      repo: repoOf(payload.repository),
      ref: `refs/heads/${branch}`,
      branch,
      before: ZERO_SHA,
      after: ZERO_SHA,
      commit: ZERO_SHA,
      sender: payload.sender?.login,
    }),
  ];
}

const PULL_REQUEST_ACTIONS: Record<string, PullRequestAction> = {
  opened: 'opened',
  synchronized: 'synchronized',
  reopened: 'reopened',
  closed: 'closed',
  edited: 'edited',
};

function parsePullRequest(body: unknown, deliveryId: string | undefined): GitEvent[] | IgnoredEvent {
  const payload = parsePayload(pullRequestPayload, body, 'gitea pull_request payload');
  let action = PULL_REQUEST_ACTIONS[payload.action];
  if (action === undefined) return { ignored: `pull_request action "${payload.action}" does not start builds` };
  if (action === 'closed' && payload.pull_request.merged === true) action = 'merged';
  const pr = payload.pull_request;
  return [
    pullRequestEvent({
      provider: 'gitea',
      deliveryId,
      action,
      repo: repoOf(payload.repository),
      number: payload.number,
      title: pr.title,
      sourceBranch: pr.head.ref,
      targetBranch: pr.base.ref,
      link: pr.html_url,
      head: pr.head.sha,
      // Gitea does not say what the head was before a synchronization.
      previousHead: undefined,
      sender: payload.sender?.login,
    }),
  ];
}

function repoOf(repository: GiteaRepository): GitEvent['repo'] {
  return {
    ...splitFullName(repository.full_name),
    cloneUrl: repository.clone_url,
    link: repository.html_url,
    defaultBranch: repository.default_branch,
    private: repository.private,
  };
}

function headCommitOf(commit: GiteaCommit | null | undefined): GitEvent['headCommit'] {
  if (!commit) return undefined;
  return { message: commit.message, authorName: commit.author.name, authorEmail: commit.author.email, authorLogin: commit.author.username, link: commit.url };
}

function filesOf(commit: GiteaCommit) {
  return { added: commit.added ?? undefined, removed: commit.removed ?? undefined, modified: commit.modified ?? undefined };
}
