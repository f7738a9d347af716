export interface RetryPolicy {
  /** Push attempts in all, at least 1. */
  attempts: number;
  /** Upper bound of the first wait; doubled per lost race up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetry: RetryPolicy = { attempts: 10, baseDelayMs: 50, maxDelayMs: 2_000 };

/**
 * "Full jitter" backoff: a uniformly random wait below the exponential
 * bound, so writers that lost the same race do not collide again in step.
 */
export function backoffDelay(policy: RetryPolicy, lostRaces: number, random: () => number = Math.random): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, lostRaces - 1));
  return Math.floor(random() * bound);
}
