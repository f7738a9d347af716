/**
 * Problems found in a pipeline file. Every diagnostic points at the YAML
 * node at fault (for a missing key, the mapping that should hold it) so
 * editors, the CLI and the UI can show it in place.
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /**
   * Readable path of the offending field, e.g.
   * `pipeline "build" > steps[2] "test" > when.branch`; empty for the file itself.
   */
  field: string;
  message: string;
}

/** `file:line:col: error: message [field]`, the layout compilers use so terminals and editors link it. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.field ? ` [${d.field}]` : '';
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}${where}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Orders diagnostics by position, errors first on the same spot. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      a.line - b.line ||
      a.column - b.column ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
}
