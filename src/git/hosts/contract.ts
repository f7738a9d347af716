import type { GitEvent, GitProvider, IgnoredEvent } from '../event.ts';

/** Request headers, names lower-cased (as Node delivers them). */
export type Headers = Record<string, string | string[] | undefined>;

/**
 * A git host's webhooks: how deliveries are signed, identified and shaped.
 * Each host exports one definition; `hosts/index.ts` lists them. All
 * functions are pure (no IO).
 */
export interface WebhookAdapter {
  provider: Exclude<GitProvider, 'builtin'>;
  /** The repository a delivery is about (`namespace/name`), read before verifying so its secret can be found; undefined when the payload names none. */
  repository(body: unknown): string | undefined;
  /**
   * Whether the delivery is authentic for `secret`, compared in constant
   * time. False when the signature header is missing or malformed, and
   * for an empty secret (nothing authenticates against it). Never throws.
   */
  verify(headers: Headers, rawBody: Buffer, secret: string): boolean;
  /** The host's unique id of this delivery (for redelivery detection). */
  deliveryId(headers: Headers): string | undefined;
  /**
   * The events a verified delivery means, in order, or why it is ignored
   * (an event kind Trunkline does not build, a ping). Throws `ConfigError`
   * naming the field when the payload is malformed.
   */
  parse(headers: Headers, body: unknown): GitEvent[] | IgnoredEvent;
}

/** Build states as hosts show them on a commit. */
export type CommitState = 'pending' | 'running' | 'success' | 'failure' | 'error';

export interface CommitStatus {
  state: CommitState;
  /** Identifies the check on the commit, e.g. `trunkline/push` or `trunkline/pr`. */
  context: string;
  description: string;
  /** Link to the build page. */
  targetUrl: string;
}

export interface StatusTarget {
  /** API base URL of the host, e.g. `https://gitea.example.com/api/v1`, `https://api.github.com`, `https://gitlab.example.com/api/v4`. */
  apiUrl: string;
  /** Access token with permission to set commit statuses. */
  token: string;
  namespace: string;
  name: string;
  sha: string;
  /** Branch or ref, which GitLab accepts alongside. */
  ref?: string;
}

/** Reports build states to a host's commit-status API. */
export interface StatusReporter {
  provider: Exclude<GitProvider, 'builtin'>;
  /** Throws `ExternalError` (with the host's answer) when the host refuses or is unreachable. */
  report(target: StatusTarget, status: CommitStatus): Promise<void>;
}
