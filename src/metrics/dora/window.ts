const DAY_MS = 86_400_000;

/** The window of a DORA report: `days` UTC calendar days ending with the day of `now` (today counts, up to `now`). */
export interface DoraWindowRange {
  since: Date;
  until: Date;
  /** `YYYY-MM-DD` of each day, oldest first. */
  dates: string[];
}

export function windowOf(days: number, now: Date): DoraWindowRange {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const since = today - (days - 1) * DAY_MS;
  const dates = Array.from({ length: days }, (_, index) => dateOf(new Date(since + index * DAY_MS)));
  return { since: new Date(since), until: now, dates };
}

/** The UTC date `YYYY-MM-DD` of an instant. */
export function dateOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function inWindow(at: Date, range: DoraWindowRange): boolean {
  return at.getTime() >= range.since.getTime() && at.getTime() <= range.until.getTime();
}
