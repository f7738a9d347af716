import type { DoraBand, DoraReport, DoraSummary } from '../../metrics/index.ts';
import type { ApiClient } from '../client.ts';

export interface DoraOptions {
  service?: string;
  environment?: string;
  days: string;
  format: 'text' | 'json';
}

/** `trunkline metrics dora`: DORA's keys for a service and/or environment over 7, 30 or 90 days. */
export async function doraCommand(api: ApiClient, options: DoraOptions): Promise<void> {
  const query = new URLSearchParams({ days: options.days });
  if (options.service) query.set('service', options.service);
  if (options.environment) query.set('environment', options.environment);
  const report = await api.get<DoraReport>(`/api/metrics/dora?${query.toString()}`);
  process.stdout.write(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatDora(report.summary, options));
}

/** The summary as a small table of keys, values and DORA bands. */
export function formatDora(summary: DoraSummary, scope: { service?: string; environment?: string }): string {
  const band = (value: DoraBand | null) => (value ? ` (${value})` : '');
  const percent = (value: number | null) => (value === null ? 'n/a' : `${round(value * 100)}%`);
  const rows: [string, string][] = [
    ['deployments', `${summary.deployments} (${summary.rollbacks} rollbacks)`],
    ['deployment frequency', `${round(summary.deploymentFrequencyPerDay)}/day${band(summary.bands.deploymentFrequency)}`],
    [
      'lead time for changes',
      summary.leadTimeSeconds
        ? `median ${duration(summary.leadTimeSeconds.median)}, p90 ${duration(summary.leadTimeSeconds.p90)}${band(summary.bands.leadTime)}`
        : 'n/a (no commit times known)',
    ],
    ['change failure rate', `${percent(summary.changeFailureRate)} (${summary.failures} failed)${band(summary.bands.changeFailureRate)}`],
    [
      'time to restore',
      `${summary.timeToRestoreSeconds ? `median ${duration(summary.timeToRestoreSeconds.median)}` : 'n/a'} (${summary.restored} of ${summary.incidents} incidents restored)${band(summary.bands.timeToRestore)}`,
    ],
    ['rework rate', `${percent(summary.reworkRate)} (${summary.reworkDeployments} deployments)`],
  ];
  const title = `DORA metrics for ${scope.service ?? 'all services'} in ${scope.environment ?? 'all environments'}, last ${summary.days} days (${summary.since.slice(0, 10)} to ${summary.until.slice(0, 10)})`;
  const width = Math.max(...rows.map(([key]) => key.length));
  return `${title}\n${rows.map(([key, value]) => `  ${key.padEnd(width)}  ${value}`).join('\n')}\n`;
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** `45s`, `12m 5s`, `3h 20m`, `2d 4h`: the two largest units. */
export function duration(seconds: number): string {
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = Math.round(seconds);
  const parts: string[] = [];
  for (const [unit, size] of units) {
    if (rest >= size || (unit === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
