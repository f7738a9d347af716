/**
 * Trivy's JSON report (`trivy image --format json`, schema version 2):
 * `Results[].Vulnerabilities[]` per target (OS packages, language files).
 * Fields Trivy adds over time are ignored; the ones the gate reads are
 * checked precisely.
 */
import { z } from 'zod';
import type { Finding } from './finding.ts';
import { dedupeFindings } from './finding.ts';
import { checkWith, parseJson } from './json-input.ts';
import type { ScanReport } from './report.ts';
import { severitySchema } from './severity-schema.ts';

const severity = severitySchema(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'], {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  unknown: 'unknown',
});

const optionalText = z.string().nullish();

const vulnerability = z.object({
  VulnerabilityID: z.string().min(1),
  PkgName: z.string().min(1),
  InstalledVersion: z.string().default(''),
  /** Empty or absent while no fix exists (`Status` is then `affected`, `will_not_fix`…). */
  FixedVersion: optionalText,
  Severity: severity,
  Title: optionalText,
  PrimaryURL: optionalText,
});

const result = z.object({
  Target: z.string().optional(),
  Vulnerabilities: z.array(vulnerability).nullish(),
});

export const trivyReportSchema = z.object({
  SchemaVersion: z.number().refine((v) => v === 2, { error: (issue) => `expected 2 (the Trivy JSON schema this gate reads), found ${String(issue.input)}` }),
  ArtifactName: optionalText,
  Metadata: z
    .object({
      ImageID: optionalText,
      RepoDigests: z.array(z.string()).nullish(),
    })
    .nullish(),
  Results: z.array(result).nullish(),
});

export function parseTrivyReport(text: string, file: string): ScanReport {
  return fromTrivy(checkWith(parseJson(text, file), file, trivyReportSchema));
}

export function fromTrivy(report: z.output<typeof trivyReportSchema>): ScanReport {
  const findings: Finding[] = [];
  for (const target of report.Results ?? []) {
    for (const v of target.Vulnerabilities ?? []) {
      const finding: Finding = {
        id: v.VulnerabilityID,
        package: v.PkgName,
        installedVersion: v.InstalledVersion,
        severity: v.Severity,
      };
      if (v.FixedVersion) finding.fixedVersion = v.FixedVersion;
      if (v.Title) finding.title = v.Title;
      if (v.PrimaryURL) finding.url = v.PrimaryURL;
      findings.push(finding);
    }
  }
  const scan: ScanReport = {
    scanner: 'trivy',
    repoDigests: report.Metadata?.RepoDigests ?? [],
    findings: dedupeFindings(findings),
  };
  if (report.ArtifactName) scan.artifact = report.ArtifactName;
  if (report.Metadata?.ImageID) scan.imageId = report.Metadata.ImageID;
  return scan;
}
