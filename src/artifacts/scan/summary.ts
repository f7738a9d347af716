import type { Finding } from './finding.ts';
import { severities } from './finding.ts';
import type { Verdict } from './verdict.ts';

/**
 * The verdict as a step would print it, e.g.
 *
 *   Vulnerability gate failed: 2 findings at or above high.
 *   Blocking:
 *     CRITICAL  CVE-2024-0001  openssl 3.0.2-r0 → 3.0.8-r0
 *     HIGH      CVE-2024-0002  zlib 1.2.11 → no fix
 *   Expired allowances (they no longer allow anything):
 *     CVE-2023-1111 expired 2024-12-31 (waiting for upstream): matches curl 7.88.1
 *   Findings: 1 critical, 2 high, 0 medium, 0 low, 0 negligible, 0 unknown.
 */
export function formatSummary(verdict: Omit<Verdict, 'summary'>): string {
  const lines: string[] = [];
  const n = verdict.blocking.length;
  lines.push(
    verdict.passed
      ? `Vulnerability gate passed: nothing blocks at or above ${verdict.failOn}.`
      : `Vulnerability gate failed: ${n} ${n === 1 ? 'finding' : 'findings'} at or above ${verdict.failOn}.`,
  );
  if (n > 0) {
    lines.push('Blocking:');
    lines.push(...table(verdict.blocking.map((f) => [f.severity.toUpperCase(), f.id, `${f.package} ${versions(f)}`])));
  }
  if (verdict.expiredAllowances.length > 0) {
    lines.push('Expired allowances (they no longer allow anything):');
    for (const a of verdict.expiredAllowances) {
      const scope = a.packages ? ` in ${a.packages.join(', ')}` : '';
      const matches = a.matches.length > 0 ? a.matches.map((f) => `${f.package} ${f.installedVersion}`).join(', ') : 'nothing in this report';
      lines.push(`  ${a.id}${scope} expired ${a.expires} (${a.reason}): matches ${matches}`);
    }
  }
  if (verdict.allowed.length > 0) {
    lines.push('Allowed:');
    lines.push(
      ...table(
        verdict.allowed.map((a) => [
          a.finding.severity.toUpperCase(),
          a.finding.id,
          `${a.finding.package} ${a.finding.installedVersion} until ${a.expires} (${a.reason})`,
        ]),
      ),
    );
  }
  const counts = severities.map((s) => `${verdict.counts[s]} ${s}`).join(', ');
  const ignored = verdict.ignoredUnfixed.length;
  lines.push(`Findings: ${counts}${ignored > 0 ? `; ${ignored} without a fix ignored` : ''}.`);
  return lines.join('\n');
}

function versions(f: Finding): string {
  return `${f.installedVersion || '(unknown version)'} → ${f.fixedVersion ?? 'no fix'}`;
}

/** Rows of cells, each column padded to its widest cell but the last. */
function table(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => `  ${row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')}`);
}
