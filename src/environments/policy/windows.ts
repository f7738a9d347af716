/**
 * Sync windows, as Argo CD defines them: a window opens at each time its
 * cron `schedule` fires (in its time zone) and stays open for `duration`.
 * A sync may run when no deny window is open and — if the environment has
 * allow windows — one of them is open. Deny wins over allow.
 */
import { Cron } from 'croner';
import { durationMs } from '../config/index.ts';
import type { SyncWindow } from '../config/index.ts';

export interface WindowVerdict {
  allowed: boolean;
  /** Why not (empty when allowed). */
  reason: string;
  /** The windows open at that time. */
  open: SyncWindow[];
}

/** True when a window opened by `schedule` at or before `at` is still open at `at`. */
export function isOpen(window: SyncWindow, at: Date): boolean {
  const length = durationMs(window.duration);
  const cron = new Cron(window.schedule, { timezone: window.timeZone, paused: true });
  // The latest opening at or before `at`, searched from far enough back that an opening
  // moved by a daylight-saving jump (up to two hours) is not skipped.
  let cursor = new Date(at.getTime() - length - 2 * 3_600_000);
  let latest: Date | undefined;
  for (let run = cron.nextRun(cursor); run !== null && run.getTime() <= at.getTime(); run = cron.nextRun(cursor)) {
    latest = run;
    cursor = run;
  }
  return latest !== undefined && at.getTime() < latest.getTime() + length;
}

export function evaluateWindows(windows: readonly SyncWindow[], at: Date): WindowVerdict {
  const open = windows.filter((w) => isOpen(w, at));
  const deny = open.find((w) => w.kind === 'deny');
  if (deny) return { allowed: false, reason: `inside the deny window "${describe(deny)}"`, open };
  const allows = windows.filter((w) => w.kind === 'allow');
  if (allows.length > 0 && !open.some((w) => w.kind === 'allow')) {
    return { allowed: false, reason: `outside every allow window (${allows.map(describe).join('; ')})`, open };
  }
  return { allowed: true, reason: '', open };
}

function describe(window: SyncWindow): string {
  return `${window.schedule} for ${window.duration} ${window.timeZone}`;
}

