import { fromGrype, grypeReportSchema } from './grype.ts';
import { checkWith, parseJson, reportError } from './json-input.ts';
import type { ScanReport } from './report.ts';
import { fromTrivy, trivyReportSchema } from './trivy.ts';

/**
 * A Trivy or a Grype JSON report, told apart by their top-level fields
 * (`matches` for Grype; `SchemaVersion` or `Results` for Trivy).
 */
export function parseScanReport(text: string, file: string): ScanReport {
  const value = parseJson(text, file);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw reportError(file, [{ field: '', message: 'expected a Trivy or Grype JSON report (an object)' }]);
  }
  if (Object.hasOwn(value, 'matches')) return fromGrype(checkWith(value, file, grypeReportSchema));
  if (Object.hasOwn(value, 'SchemaVersion') || Object.hasOwn(value, 'Results')) {
    return fromTrivy(checkWith(value, file, trivyReportSchema));
  }
  throw reportError(file, [
    { field: '', message: 'not a Trivy report (no "SchemaVersion" or "Results") nor a Grype report (no "matches")' },
  ]);
}
