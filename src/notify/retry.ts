/** How often and how patiently a delivery is tried. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Delay before the first retry (before jitter); doubles after each attempt. */
  baseDelayMs: number;
  /** Ceiling of the exponential delay. */
  maxDelayMs: number;
  /** Ceiling of a receiver's `Retry-After`/`retry_after` request. */
  maxRetryAfterMs: number;
  /** Per attempt, from connecting to reading the answer. */
  timeoutMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 2_000,
  maxDelayMs: 10 * 60_000,
  maxRetryAfterMs: 60 * 60_000,
  timeoutMs: 10_000,
};

/**
 * Delay before the next attempt after `attempts` attempts: exponential with
 * "equal jitter" (half fixed, half random, so retries of many deliveries
 * spread out but never come back at once). A receiver's own retry-after
 * wins when it asks for longer.
 */
export function retryDelay(policy: RetryPolicy, attempts: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(exponential / 2 + random() * (exponential / 2));
  if (retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, policy.maxRetryAfterMs));
}

/** Server errors, timeouts and rate limits are worth another try; other client errors are not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
