import type { Finding } from './finding.ts';

export type ScannerName = 'trivy' | 'grype';

/** A scanner's report reduced to what the gate needs. */
export interface ScanReport {
  scanner: ScannerName;
  /** What was scanned, as the scanner names it (usually the image reference). */
  artifact?: string;
  /** The image config digest (`sha256:…`), when the scanner reports it. */
  imageId?: string;
  /** `repository@sha256:…` references of the scanned image. */
  repoDigests: string[];
  /** De-duplicated by (id, package). */
  findings: Finding[];
}
