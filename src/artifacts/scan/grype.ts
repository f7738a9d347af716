/**
 * Grype's JSON report (`grype <image> -o json`): one entry in `matches[]`
 * per (vulnerability, package location), fix versions in
 * `vulnerability.fix`, what was scanned in `source.target` (an object for
 * images, a string for directories and files).
 */
import { z } from 'zod';
import type { Finding } from './finding.ts';
import { dedupeFindings } from './finding.ts';
import { checkWith, parseJson } from './json-input.ts';
import type { ScanReport } from './report.ts';
import { severitySchema } from './severity-schema.ts';

const severity = severitySchema(['Critical', 'High', 'Medium', 'Low', 'Negligible', 'Unknown'], {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  negligible: 'negligible',
  unknown: 'unknown',
});

const match = z.object({
  vulnerability: z.object({
    id: z.string().min(1),
    severity,
    dataSource: z.string().nullish(),
    urls: z.array(z.string()).nullish(),
    /** `state` is `fixed`, `not-fixed`, `wont-fix` or `unknown` (empty in older versions). */
    fix: z
      .object({
        versions: z.array(z.string()).nullish(),
        state: z.string().nullish(),
      })
      .nullish(),
  }),
  matchDetails: z
    .array(z.object({ fix: z.object({ suggestedVersion: z.string().nullish() }).nullish() }))
    .nullish(),
  artifact: z.object({
    name: z.string().min(1),
    version: z.string(),
  }),
});

const imageTarget = z.object({
  userInput: z.string().nullish(),
  imageID: z.string().nullish(),
  repoDigests: z.array(z.string()).nullish(),
});

export const grypeReportSchema = z.object({
  matches: z.array(match),
  source: z
    .object({
      type: z.string().nullish(),
      target: z.union([z.string(), imageTarget]).nullish(),
    })
    .nullish(),
});

type GrypeMatch = z.output<typeof match>;

export function parseGrypeReport(text: string, file: string): ScanReport {
  return fromGrype(checkWith(parseJson(text, file), file, grypeReportSchema));
}

export function fromGrype(report: z.output<typeof grypeReportSchema>): ScanReport {
  const findings = report.matches.map((m): Finding => {
    const finding: Finding = {
      id: m.vulnerability.id,
      package: m.artifact.name,
      installedVersion: m.artifact.version,
      severity: m.vulnerability.severity,
    };
    const fixed = fixedVersion(m);
    if (fixed) finding.fixedVersion = fixed;
    const url = m.vulnerability.dataSource || m.vulnerability.urls?.find(Boolean);
    if (url) finding.url = url;
    return finding;
  });
  const target = report.source?.target;
  const scan: ScanReport = {
    scanner: 'grype',
    repoDigests: typeof target === 'object' && target ? (target.repoDigests ?? []) : [],
    findings: dedupeFindings(findings),
  };
  const artifact = typeof target === 'string' ? target : target?.userInput;
  if (artifact) scan.artifact = artifact;
  if (typeof target === 'object' && target?.imageID) scan.imageId = target.imageID;
  return scan;
}

/** Grype's suggested version when it names one, else every fixed version it lists. */
function fixedVersion(m: GrypeMatch): string | undefined {
  const fix = m.vulnerability.fix;
  const state = fix?.state ?? '';
  if (state !== '' && state !== 'fixed') return undefined;
  const suggested = m.matchDetails?.map((d) => d.fix?.suggestedVersion).find(Boolean);
  if (suggested) return suggested;
  const versions = (fix?.versions ?? []).filter(Boolean);
  return versions.length > 0 ? versions.join(', ') : undefined;
}
