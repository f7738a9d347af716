/**
 * What `git push --porcelain` said about one ref: landed, lost a race
 * (someone pushed first: fetch and redo), or refused for good.
 */
export type PushOutcome = { kind: 'pushed' } | { kind: 'race'; reason: string } | { kind: 'refused'; reason: string };

/** Another writer got there first; redoing the change on the new tip will do. */
const racePattern = /\[rejected\].*\((fetch first|non-fast-forward|stale info)\)|\[remote rejected\].*(cannot lock ref|failed to update ref|failed to lock|incorrect old value|is at [0-9a-f]+ but expected)/;

export function pushOutcome(stdout: string, stderr: string, code: number): PushOutcome {
  const line = stdout.split('\n').find((l) => l.startsWith('!\t'));
  if (code === 0 && line === undefined) return { kind: 'pushed' };
  const reason = (line?.split('\t')[2] ?? stderr.trim()) || `exit ${code}`;
  return racePattern.test(line ?? '') || racePattern.test(stderr) ? { kind: 'race', reason } : { kind: 'refused', reason };
}
