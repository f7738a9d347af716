import { createHash } from 'node:crypto';

/**
 * Go's `encoding/json` text of a string map (sorted keys, HTML-safe
 * escapes), so `sha256sum (toJson …)` in a template gives the same hex.
 */
export function goJson(map: Record<string, string>): string {
  const body = Object.keys(map)
    .sort()
    .map((key) => `${goString(key)}:${goString(map[key] ?? '')}`)
    .join(',');
  return `{${body}}`;
}

function goString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The pod-template annotation that rolls pods when config files change. */
export function configChecksum(files: Record<string, string>): string {
  return createHash('sha256').update(goJson(files)).digest('hex');
}
