import type { GitEvent, IgnoredEvent, PullRequestAction } from '../../event.ts';
import type { WebhookAdapter } from '../contract.ts';
import { compact } from '../shared/compact.ts';
import { changedFilesOf } from '../shared/files.ts';
import { header } from '../shared/headers.ts';
import { fullName, memberOf, parsePayload, splitFullName } from '../shared/payload.ts';
import { pullRequestEvent } from '../shared/pull-request.ts';
import { classifyRef, isZeroSha } from '../shared/refs.ts';
import { verifyToken } from '../shared/signature.ts';
import { mergeRequestPayload, pushPayload } from './schema.ts';
import type { GitlabCommit, GitlabProject } from './schema.ts';

/** GitLab's public visibility level; private (0) and internal (10) need credentials to clone. */
const PUBLIC = 20;

/**
 * GitLab webhooks (`X-Gitlab-Event`, `X-Gitlab-Token` = the secret itself,
 * `Idempotency-Key` stable across retries, else `X-Gitlab-Event-UUID`).
 *
 * Branches are created and deleted only through `Push Hook`s, from or to
 * all zeros. Merge request `update`s with `oldrev` pushed code
 * (`synchronized`); without it they changed only the description, title
 * or the like (`edited`). GitLab sends no `forced` flag.
 */
export const gitlabWebhooks: WebhookAdapter = {
  provider: 'gitlab',

  repository(body) {
    const name = memberOf(memberOf(body, 'project'), 'path_with_namespace');
    return fullName.safeParse(name).success ? (name as string) : undefined;
  },

  verify(headers, _rawBody, secret) {
    return verifyToken(header(headers, 'x-gitlab-token'), secret);
  },

  deliveryId(headers) {
    return header(headers, 'idempotency-key') ?? header(headers, 'x-gitlab-event-uuid');
  },

  parse(headers, body) {
    const event = header(headers, 'x-gitlab-event');
    const deliveryId = header(headers, 'idempotency-key') ?? header(headers, 'x-gitlab-event-uuid');
    switch (event) {
      case 'Push Hook':
        return parsePush(body, deliveryId, 'gitlab push payload');
      case 'Tag Push Hook':
        return parsePush(body, deliveryId, 'gitlab tag push payload');
      case 'Merge Request Hook':
        return parseMergeRequest(body, deliveryId);
      case undefined:
        return { ignored: 'no X-Gitlab-Event header' };
      default:
        return { ignored: `GitLab event "${event}" does not start builds` };
    }
  },
};

function parsePush(body: unknown, deliveryId: string | undefined, what: string): GitEvent[] | IgnoredEvent {
  const push = parsePayload(pushPayload, body, what);
  const target = classifyRef(push.ref);
  if (target.type === 'other') return { ignored: `push to ${push.ref}, neither a branch nor a tag` };
  const commits = push.commits ?? [];
  const common = {
    provider: 'gitlab' as const,
    deliveryId,
    repo: repoOf(push.project),
    ref: push.ref,
    before: push.before,
    after: push.after,
    sender: push.user_username,
  };
  if (target.type === 'tag') {
    if (isZeroSha(push.after)) return { ignored: `tag ${target.name} deleted` };
    const commit = push.checkout_sha ?? push.after;
    return [compact<GitEvent>({ ...common, kind: 'tag', branch: '', tag: target.name, commit, headCommit: headCommitOf(commits, commit) })];
  }
  if (isZeroSha(push.after)) return [compact<GitEvent>({ ...common, kind: 'delete', branch: target.name, commit: push.before })];
  const commit = push.checkout_sha ?? push.after;
  const headCommit = headCommitOf(commits, commit);
  // A new branch's commit list is not what the push changed: git computes its files.
  if (isZeroSha(push.before)) return [compact<GitEvent>({ ...common, kind: 'create', branch: target.name, commit, headCommit })];
  const complete = push.total_commits_count !== undefined && push.total_commits_count <= commits.length;
  return [compact<GitEvent>({ ...common, kind: 'push', branch: target.name, commit, headCommit, changedFiles: changedFilesOf(commits.map(filesOf), complete) })];
}

const MERGE_REQUEST_ACTIONS: Record<string, PullRequestAction> = {
  open: 'opened',
  reopen: 'reopened',
  close: 'closed',
  merge: 'merged',
};

function parseMergeRequest(body: unknown, deliveryId: string | undefined): GitEvent[] | IgnoredEvent {
  const payload = parsePayload(mergeRequestPayload, body, 'gitlab merge request payload');
  const mr = payload.object_attributes;
  if (mr.action === undefined) return { ignored: 'merge request hook without an action' };
  const action = mr.action === 'update' ? (mr.oldrev ? 'synchronized' : 'edited') : MERGE_REQUEST_ACTIONS[mr.action];
  if (action === undefined) return { ignored: `merge request action "${mr.action}" does not start builds` };
  return [
    pullRequestEvent({
      provider: 'gitlab',
      deliveryId,
      action,
      repo: repoOf(payload.project),
      number: mr.iid,
      title: mr.title,
      sourceBranch: mr.source_branch,
      targetBranch: mr.target_branch,
      link: mr.url,
      head: mr.last_commit.id,
      previousHead: action === 'synchronized' ? (mr.oldrev ?? undefined) : undefined,
      sender: payload.user?.username,
      headCommit: { message: mr.last_commit.message, authorName: mr.last_commit.author.name, authorEmail: mr.last_commit.author.email, link: mr.last_commit.url },
    }),
  ];
}

function repoOf(project: GitlabProject): GitEvent['repo'] {
  return {
    ...splitFullName(project.path_with_namespace),
    cloneUrl: project.git_http_url,
    link: project.web_url,
    defaultBranch: project.default_branch ?? undefined,
    private: project.visibility_level === undefined ? undefined : project.visibility_level < PUBLIC,
  };
}

function headCommitOf(commits: readonly GitlabCommit[], id: string): GitEvent['headCommit'] {
  const commit = commits.find((candidate) => candidate.id === id);
  if (!commit) return undefined;
  return { message: commit.message, authorName: commit.author.name, authorEmail: commit.author.email, link: commit.url };
}

function filesOf(commit: GitlabCommit) {
  return { added: commit.added ?? undefined, removed: commit.removed ?? undefined, modified: commit.modified ?? undefined };
}
