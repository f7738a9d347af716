import type { CommitState, CommitStatus, StatusReporter, StatusTarget } from '../contract.ts';
import { defaultRetry, postJson } from '../shared/http.ts';
import type { RetryPolicy, StatusPost } from '../shared/http.ts';
import { apiPath, describeTarget } from '../shared/target.ts';
import { truncate } from '../shared/text.ts';

/** Gitea stores long descriptions but shows one line: Trunkline keeps them to this many characters. */
export const GITEA_DESCRIPTION_LIMIT = 255;

/** Gitea knows pending, success, error, failure and warning: a running build is still pending there. */
const STATES: Record<CommitState, string> = {
  pending: 'pending',
  running: 'pending',
  success: 'success',
  failure: 'failure',
  error: 'error',
};

/** `POST /repos/{owner}/{repo}/statuses/{sha}` with `Authorization: token …`. */
export function giteaStatusPost(target: StatusTarget, status: CommitStatus): StatusPost {
  return {
    what: `gitea commit status for ${describeTarget(target)}`,
    url: `${target.apiUrl.replace(/\/+$/, '')}${apiPath('repos', target.namespace, target.name, 'statuses', target.sha)}`,
    headers: { accept: 'application/json', authorization: `token ${target.token}` },
    body: {
      state: STATES[status.state],
      target_url: status.targetUrl,
      description: truncate(status.description, GITEA_DESCRIPTION_LIMIT),
      context: status.context,
    },
    token: target.token,
  };
}

export function giteaStatusReporter(retry: RetryPolicy = defaultRetry): StatusReporter {
  return { provider: 'gitea', report: (target, status) => postJson(giteaStatusPost(target, status), retry) };
}

export const giteaStatus: StatusReporter = giteaStatusReporter();
