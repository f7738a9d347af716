import type { RunPolicy } from '../pipeline/index.ts';

export type RunDecision = { run: true } | { run: false; reason: string };

/**
 * Whether a step (or pipeline) runs, decided when it becomes ready, as
 * Drone's execer does: `never` is skipped, `on-success` only runs while
 * nothing has failed, `on-failure` only once something has, `always` in
 * both cases.
 */
export function decideRun(
  policy: RunPolicy,
  failed: boolean,
  skipReason?: string,
  whatFailed = 'an earlier step',
): RunDecision {
  switch (policy) {
    case 'never':
      return { run: false, reason: skipReason ?? 'its conditions do not match this build' };
    case 'on-success':
      return failed ? { run: false, reason: `skipped because ${whatFailed} failed` } : { run: true };
    case 'on-failure':
      return failed ? { run: true } : { run: false, reason: 'runs only on failure, and nothing failed' };
    case 'always':
      return { run: true };
  }
}
