/**
 * The vulnerability gate: scanner reports (Trivy, Grype) normalised to one
 * list of findings, a policy file, and a verdict with a readable summary.
 */
export { severities, severityRank, countBySeverity, dedupeFindings } from './finding.ts';
export type { Finding, Severity, SeverityCounts } from './finding.ts';
export type { ScanReport, ScannerName } from './report.ts';
export { parseTrivyReport } from './trivy.ts';
export { parseGrypeReport } from './grype.ts';
export { parseScanReport } from './parse-report.ts';
export { parsePolicy, failOnLevels } from './policy.ts';
export type { Policy, Allowance, FailOn } from './policy.ts';
export { evaluatePolicy } from './evaluate.ts';
export type { Verdict, AllowedFinding, ExpiredAllowance } from './verdict.ts';
export { runScanner, scannerNames } from './run-scanner.ts';
export type { RunScannerOptions, ScannerRun } from './run-scanner.ts';
