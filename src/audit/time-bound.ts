import { ConfigError } from '../core/index.ts';

const units: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A time bound given by a person: an ISO date or date-time (`2026-11-01`,
 * `2026-11-01T12:00:00Z`), epoch milliseconds, or an age relative to `now`
 * (`90m`, `24h`, `30d`). Returns epoch milliseconds.
 */
export function parseTimeBound(value: string, now: number, field = 'time'): number {
  const text = value.trim();
  const relative = /^(\d+)([mhd])$/.exec(text);
  if (relative) return now - Number(relative[1]) * (units[relative[2] ?? 'd'] ?? 0);
  if (/^\d{10,}$/.test(text)) return Number(text);
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    const parsed = Date.parse(text);
    if (Number.isFinite(parsed)) return parsed;
  }
  throw new ConfigError(`${field}: expected an ISO date or time, epoch milliseconds, or an age such as 24h or 30d; found "${value}"`);
}
