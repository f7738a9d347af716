/** One StatsD metric: a counter (`c`), a timing in milliseconds (`ms`) or a gauge (`g`). */
export interface StatsdMetric {
  name: string;
  value: number;
  type: 'c' | 'ms' | 'g';
  tags?: Record<string, string>;
}

/**
 * How tags are sent: `dogstatsd` appends `|#key:value,…` (Datadog, Telegraf,
 * the StatsD exporter); `none` sends plain StatsD, with each tag's value
 * appended to the name as a segment (`builds.failure`), in the given order.
 */
export type StatsdTagFormat = 'dogstatsd' | 'none';

/** A line of the StatsD text protocol: `prefix.name:value|type[|#tag:value,…]`. */
export function formatStatsd(metric: StatsdMetric, options: { prefix: string; tags: StatsdTagFormat }): string {
  const tags = Object.entries(metric.tags ?? {});
  const segments = [options.prefix, metric.name, ...(options.tags === 'none' ? tags.map(([, value]) => value) : [])];
  const name = segments
    .filter((segment) => segment !== '')
    .map((segment) => segment.replace(/[^\w.-]/g, '_'))
    .join('.');
  const line = `${name}:${formatValue(metric.value)}|${metric.type}`;
  if (options.tags === 'none' || tags.length === 0) return line;
  return `${line}|#${tags.map(([key, value]) => `${tagPart(key)}:${tagPart(value)}`).join(',')}`;
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
}

/** Characters that delimit the protocol cannot be in a tag. */
function tagPart(text: string): string {
  return text.replace(/[\s:|,#@]/g, '_');
}

/** Packs lines into datagrams of at most `maxBytes` (newline-separated), as StatsD servers accept. */
export function packDatagrams(lines: readonly string[], maxBytes = 1432): string[] {
  const datagrams: string[] = [];
  let current = '';
  for (const line of lines) {
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (current !== '' && Buffer.byteLength(candidate) > maxBytes) {
      datagrams.push(current);
      current = line;
    } else {
      current = candidate;
    }
  }
  if (current !== '') datagrams.push(current);
  return datagrams;
}
