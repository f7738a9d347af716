import { ExternalError, messageOf } from '../../../core/index.ts';

export interface StatusPost {
  /** What is being done, for error messages: `github commit status for acme/api@1a2b3c4d`. */
  what: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** Kept out of every error message, even if the host echoes it. */
  token: string;
}

export interface RetryPolicy {
  /** Tries in all, at least 1. */
  attempts: number;
  /** Wait before the second try; doubled before each next one. */
  backoffMs: number;
  /** Give up on one try after this long. */
  timeoutMs: number;
}

export const defaultRetry: RetryPolicy = { attempts: 3, backoffMs: 200, timeoutMs: 10_000 };

/**
 * POSTs a JSON body, retrying network errors and 5xx answers with a short
 * exponential backoff. Any other non-2xx answer, or the last failed try,
 * is an `ExternalError` carrying the HTTP status and the host's message.
 */
export async function postJson(post: StatusPost, retry: RetryPolicy = defaultRetry): Promise<void> {
  const attempts = Math.max(1, retry.attempts);
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= attempts;
    let response: Response;
    try {
      response = await fetch(post.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...post.headers },
        body: JSON.stringify(post.body),
        signal: AbortSignal.timeout(retry.timeoutMs),
      });
    } catch (error) {
      if (last) throw new ExternalError(`${post.what}: host unreachable: ${scrub(causeOf(error), post.token)}`, { attempts });
      await pause(retry.backoffMs * 2 ** (attempt - 1));
      continue;
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return;
    if (response.status >= 500 && !last) {
      await pause(retry.backoffMs * 2 ** (attempt - 1));
      continue;
    }
    const message = scrub(hostMessage(text) || response.statusText || 'no message', post.token);
    throw new ExternalError(`${post.what}: HTTP ${response.status}: ${message}`, { status: response.status, message, attempts: attempt });
  }
}

/** The host's explanation: `message` (GitHub, Gitea, GitLab; GitLab may nest it per field) or `error`, else the raw text. */
export function hostMessage(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text.trim().slice(0, 500);
  }
  if (parsed !== null && typeof parsed === 'object') {
    const record = parsed as Record<string, unknown>;
    const found = record['message'] ?? record['error'];
    if (typeof found === 'string') return found;
    if (found !== undefined) return JSON.stringify(found).slice(0, 500);
  }
  return text.trim().slice(0, 500);
}

function causeOf(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? `: ${messageOf(error.cause)}` : '';
  return `${messageOf(error)}${cause}`;
}

function scrub(text: string, token: string): string {
  return token === '' ? text : text.split(token).join('[token]');
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
