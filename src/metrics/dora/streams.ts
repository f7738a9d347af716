import { streamKey } from './classify.ts';
import { computeDora } from './compute.ts';
import type { DeploymentHistory, DoraSummary } from './types.ts';

export interface StreamSummary {
  service: string;
  environment: string;
  summary: DoraSummary;
}

/**
 * DORA's summary for every service × environment that deployed in the
 * window (plus as much history again as context), for gauges.
 */
export async function doraByStream(history: DeploymentHistory, options: { days: number; now: Date }): Promise<StreamSummary[]> {
  const records = await history.list({ since: contextStart(options) });
  const streams = new Map(records.map((record) => [streamKey(record), { service: record.service, environment: record.environment }]));
  return [...streams.values()]
    .map((stream) => ({ ...stream, summary: computeDora(records, { ...options, ...stream }).summary }))
    .filter((stream) => stream.summary.deployments > 0)
    .sort((a, b) => a.service.localeCompare(b.service) || a.environment.localeCompare(b.environment));
}

/**
 * Where to start reading history for a window of `days`: the window's first
 * day less as many days again, so that deployments early in the window know
 * what came before them.
 */
export function contextStart(options: { days: number; now: Date }): Date {
  const day = 86_400_000;
  const today = Math.floor(options.now.getTime() / day) * day;
  return new Date(today - (2 * options.days - 1) * day);
}
