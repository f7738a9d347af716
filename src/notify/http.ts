import type { AttemptOutcome, HttpReply, OutgoingRequest } from './contract.ts';
import { isRetryableStatus } from './retry.ts';

const BODY_LIMIT = 4096;

/**
 * Sends one request with a deadline. Redirects are not followed (a webhook
 * that moved is a configuration error). Network failures and timeouts
 * reject; error texts never contain the URL, which may hold a token.
 */
export async function post(request: OutgoingRequest, timeoutMs: number): Promise<HttpReply> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new Error(describeFailure(error, timeoutMs));
  }
  const text = await response.text().catch(() => '');
  return { status: response.status, headers: response.headers, body: text.slice(0, BODY_LIMIT) };
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  return `cannot connect: ${cause?.code ?? cause?.message ?? 'network error'}`;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The plain HTTP reading of an answer: 2xx is delivered; 408, 429 and 5xx are retried. */
export function httpOutcome(reply: HttpReply): AttemptOutcome {
  if (reply.status >= 200 && reply.status < 300) return { ok: true, status: reply.status };
  const retryAfterMs = parseRetryAfter(reply.headers.get('retry-after'));
  const detail = reply.body.trim().slice(0, 200);
  return {
    ok: false,
    retryable: isRetryableStatus(reply.status),
    status: reply.status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    error: `HTTP ${reply.status}${detail ? `: ${detail}` : ''}`,
  };
}
