/** Small display helpers. */

export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  const h = Math.floor(s / 3600);
  return h < 48 ? `${h}h ${Math.floor((s % 3600) / 60)}m` : `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function ago(at: number | string | undefined, now = Date.now()): string {
  if (at === undefined) return '–';
  const time = typeof at === 'string' ? Date.parse(at) : at;
  if (!Number.isFinite(time)) return '–';
  const delta = now - time;
  return delta < 0 ? `in ${duration(-delta)}` : `${duration(delta)} ago`;
}

export function dateTime(at: number | string | undefined): string {
  if (at === undefined) return '–';
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? '–' : date.toLocaleString();
}

export function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}

export function shortSha(sha: string | undefined | null): string {
  return sha ? sha.slice(0, 8) : '–';
}
