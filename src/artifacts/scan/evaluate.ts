import type { Finding } from './finding.ts';
import { countBySeverity, severityRank } from './finding.ts';
import type { Allowance, Policy } from './policy.ts';
import { formatSummary } from './summary.ts';
import type { AllowedFinding, ExpiredAllowance, Verdict } from './verdict.ts';

/**
 * Judges findings against a policy on the day of `at` (UTC): an allowance
 * holds through its `expires` day and not after.
 */
export function evaluatePolicy(findings: readonly Finding[], policy: Policy, at: Date): Verdict {
  const today = at.toISOString().slice(0, 10);
  const inForce = policy.allow.filter((a) => a.expires >= today);
  const expired = policy.allow.filter((a) => a.expires < today);
  const threshold = severityRank(policy.failOn);

  const blocking: Finding[] = [];
  const allowed: AllowedFinding[] = [];
  const ignoredUnfixed: Finding[] = [];
  for (const finding of findings) {
    if (severityRank(finding.severity) < threshold) continue;
    const allowance = inForce.find((a) => allows(a, finding));
    if (allowance) allowed.push({ finding, reason: allowance.reason, expires: allowance.expires });
    else if (policy.ignoreUnfixed && finding.fixedVersion === undefined) ignoredUnfixed.push(finding);
    else blocking.push(finding);
  }
  blocking.sort(bySeverityThenId);
  allowed.sort((a, b) => bySeverityThenId(a.finding, b.finding));
  ignoredUnfixed.sort(bySeverityThenId);

  const expiredAllowances = expired.map((a): ExpiredAllowance => {
    const entry: ExpiredAllowance = {
      id: a.id,
      reason: a.reason,
      expires: a.expires,
      matches: findings.filter((f) => allows(a, f)).sort(bySeverityThenId),
    };
    if (a.packages) entry.packages = a.packages;
    return entry;
  });

  const verdict: Omit<Verdict, 'summary'> = {
    passed: blocking.length === 0,
    failOn: policy.failOn,
    blocking,
    allowed,
    ignoredUnfixed,
    expiredAllowances,
    counts: countBySeverity(findings),
  };
  return { ...verdict, summary: formatSummary(verdict) };
}

/** Ids compare case-insensitively (`cve-2024-1` is `CVE-2024-1`); package names exactly. */
function allows(allowance: Allowance, finding: Finding): boolean {
  if (allowance.id.toUpperCase() !== finding.id.toUpperCase()) return false;
  return allowance.packages === undefined || allowance.packages.includes(finding.package);
}

function bySeverityThenId(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    compare(a.id, b.id) ||
    compare(a.package, b.package)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
