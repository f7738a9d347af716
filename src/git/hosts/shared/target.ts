import type { StatusTarget } from '../contract.ts';

/** `/seg/seg/…` with every segment percent-encoded (a `/` inside a segment stays one segment). */
export function apiPath(...segments: string[]): string {
  return segments.map((segment) => `/${encodeURIComponent(segment)}`).join('');
}

/** `acme/api@1a2b3c4d` for messages; never the token. */
export function describeTarget(target: StatusTarget): string {
  return `${target.namespace}/${target.name}@${target.sha.slice(0, 8)}`;
}
