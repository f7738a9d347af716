import type { Finding, SeverityCounts } from './finding.ts';
import type { FailOn } from './policy.ts';

export interface AllowedFinding {
  finding: Finding;
  reason: string;
  /** YYYY-MM-DD, the last day the allowance holds. */
  expires: string;
}

/** An allowance past its expiry: it allows nothing any more. */
export interface ExpiredAllowance {
  id: string;
  reason: string;
  expires: string;
  packages?: string[];
  /** Findings it would have allowed (they are judged like any other). */
  matches: Finding[];
}

export interface Verdict {
  passed: boolean;
  failOn: FailOn;
  /** Findings at or above `failOn` that nothing allows, most severe first. */
  blocking: Finding[];
  /** Findings at or above `failOn` let through by an allowance in force. */
  allowed: AllowedFinding[];
  /** Findings at or above `failOn` without a fix, let through by `ignoreUnfixed`. */
  ignoredUnfixed: Finding[];
  expiredAllowances: ExpiredAllowance[];
  /** Every finding of the report, by severity. */
  counts: SeverityCounts;
  /** Readable, multi-line: what blocked and which allowances expired. */
  summary: string;
}
