import type { CommitState, CommitStatus, StatusReporter, StatusTarget } from '../contract.ts';
import { defaultRetry, postJson } from '../shared/http.ts';
import type { RetryPolicy, StatusPost } from '../shared/http.ts';
import { apiPath, describeTarget } from '../shared/target.ts';
import { truncate } from '../shared/text.ts';

/** GitHub shows at most this many characters of a status description. */
export const GITHUB_DESCRIPTION_LIMIT = 140;

/** The REST API version requested (`X-GitHub-Api-Version`). */
export const GITHUB_API_VERSION = '2022-11-28';

/** GitHub knows error, failure, pending and success: a running build is still pending there. */
const STATES: Record<CommitState, string> = {
  pending: 'pending',
  running: 'pending',
  success: 'success',
  failure: 'failure',
  error: 'error',
};

/** `POST /repos/{owner}/{repo}/statuses/{sha}` with a bearer token. */
export function githubStatusPost(target: StatusTarget, status: CommitStatus): StatusPost {
  return {
    what: `github commit status for ${describeTarget(target)}`,
    url: `${target.apiUrl.replace(/\/+$/, '')}${apiPath('repos', target.namespace, target.name, 'statuses', target.sha)}`,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${target.token}`,
      'x-github-api-version': GITHUB_API_VERSION,
      // GitHub refuses API requests without a User-Agent.
      'user-agent': 'trunkline',
    },
    body: {
      state: STATES[status.state],
      target_url: status.targetUrl,
      description: truncate(status.description, GITHUB_DESCRIPTION_LIMIT),
      context: status.context,
    },
    token: target.token,
  };
}

export function githubStatusReporter(retry: RetryPolicy = defaultRetry): StatusReporter {
  return { provider: 'github', report: (target, status) => postJson(githubStatusPost(target, status), retry) };
}

export const githubStatus: StatusReporter = githubStatusReporter();
