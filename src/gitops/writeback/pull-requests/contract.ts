/** What a pull/merge request asks: merge `head` into `base`. */
export interface PullRequestRequest {
  title: string;
  body: string;
  /** The branch with the change. */
  head: string;
  /** The branch environments follow. */
  base: string;
}

export interface PullRequest {
  /** The host's number for it (GitLab's `iid`). */
  number: number;
  /** Where people review it. */
  url: string;
}

/**
 * Opens a pull (merge) request on the host of a config repository. One
 * implementation per host API; throws `ExternalError` with the host's
 * answer when the host refuses or cannot be reached.
 */
export interface PullRequestOpener {
  readonly provider: 'gitea' | 'github' | 'gitlab';
  open(request: PullRequestRequest): Promise<PullRequest>;
}

/** Where the config repository lives on its host, and a token allowed to open pull requests there. */
export interface PullRequestTarget {
  /** API base URL: `https://gitea.example.com/api/v1`, `https://api.github.com`, `https://gitlab.example.com/api/v4`. */
  apiUrl: string;
  token: string;
  /** Owner or group path, e.g. `acme` or `acme/platform`. */
  namespace: string;
  name: string;
  /** Gives up on the request after this long; 10 s unless told. */
  timeoutMs?: number;
}
