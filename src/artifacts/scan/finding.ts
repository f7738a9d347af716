/**
 * One vulnerability in one package, as every scanner report is normalised
 * to. Severities use Grype's scale (a superset of Trivy's).
 */

/** Most severe first. */
export const severities = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const;
export type Severity = (typeof severities)[number];

export type SeverityCounts = Record<Severity, number>;

export interface Finding {
  /** CVE, GHSA or distribution advisory id, as the scanner reports it. */
  id: string;
  package: string;
  /** Distinct installed versions joined by `, ` when the package is present more than once. */
  installedVersion: string;
  /** The version(s) that fix it; absent when no fix is published. */
  fixedVersion?: string;
  severity: Severity;
  title?: string;
  url?: string;
}

/** Higher is more severe; `unknown` ranks below `negligible`. */
export function severityRank(severity: Severity): number {
  return severities.length - severities.indexOf(severity);
}

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts = Object.fromEntries(severities.map((s) => [s, 0])) as SeverityCounts;
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

/**
 * One finding per (id, package), in first-seen order. Scanners repeat a
 * vulnerability for each location or target of a package; the merged
 * finding keeps the highest severity and fills fields the first lacked.
 */
export function dedupeFindings(findings: Iterable<Finding>): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const finding of findings) {
    const key = `${finding.id}\u0000${finding.package}`;
    const seen = byKey.get(key);
    byKey.set(key, seen ? merge(seen, finding) : { ...finding });
  }
  return [...byKey.values()];
}

function merge(a: Finding, b: Finding): Finding {
  const versions = new Set([...a.installedVersion.split(', '), ...b.installedVersion.split(', ')].filter(Boolean));
  const merged: Finding = {
    ...a,
    installedVersion: [...versions].join(', '),
    severity: severityRank(b.severity) > severityRank(a.severity) ? b.severity : a.severity,
  };
  const fixedVersion = a.fixedVersion ?? b.fixedVersion;
  const title = a.title ?? b.title;
  const url = a.url ?? b.url;
  if (fixedVersion !== undefined) merged.fixedVersion = fixedVersion;
  if (title !== undefined) merged.title = title;
  if (url !== undefined) merged.url = url;
  return merged;
}
