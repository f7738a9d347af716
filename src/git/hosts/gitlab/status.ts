import type { CommitState, CommitStatus, StatusReporter, StatusTarget } from '../contract.ts';
import { defaultRetry, postJson } from '../shared/http.ts';
import type { RetryPolicy, StatusPost } from '../shared/http.ts';
import { apiPath, describeTarget } from '../shared/target.ts';
import { truncate } from '../shared/text.ts';

/** GitLab keeps at most this many characters of a status description. */
export const GITLAB_DESCRIPTION_LIMIT = 255;

/**
 * GitLab knows pending, running, success, failed and canceled. A build
 * that could not run (`error`) is `failed` there too: `canceled` would say
 * someone stopped it.
 */
const STATES: Record<CommitState, string> = {
  pending: 'pending',
  running: 'running',
  success: 'success',
  failure: 'failed',
  error: 'failed',
};

/** `POST /projects/{url-encoded path}/statuses/{sha}` with `PRIVATE-TOKEN`. */
export function gitlabStatusPost(target: StatusTarget, status: CommitStatus): StatusPost {
  return {
    what: `gitlab commit status for ${describeTarget(target)}`,
    url: `${target.apiUrl.replace(/\/+$/, '')}${apiPath('projects', `${target.namespace}/${target.name}`, 'statuses', target.sha)}`,
    headers: { accept: 'application/json', 'private-token': target.token },
    body: {
      state: STATES[status.state],
      ...(target.ref === undefined ? {} : { ref: target.ref.replace(/^refs\/(heads|tags)\//, '') }),
      name: status.context,
      target_url: status.targetUrl,
      description: truncate(status.description, GITLAB_DESCRIPTION_LIMIT),
    },
    token: target.token,
  };
}

export function gitlabStatusReporter(retry: RetryPolicy = defaultRetry): StatusReporter {
  return { provider: 'gitlab', report: (target, status) => postJson(gitlabStatusPost(target, status), retry) };
}

export const gitlabStatus: StatusReporter = gitlabStatusReporter();
