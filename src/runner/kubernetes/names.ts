import { createHash } from 'node:crypto';
import { ConfigError } from '../../core/index.ts';

/** The label every pod and secret of a run carries: `trunkline.io/run=<run id>`. */
export const RUN_LABEL = 'trunkline.io/run';
/** When a run's objects may be removed by anyone (ISO time): its deadline plus a margin. */
export const EXPIRES_ANNOTATION = 'trunkline.io/expires';
/** Prefix of the pod annotations that carry the variables only known when a step starts. */
export const ENV_ANNOTATION_PREFIX = 'trunkline.io/env.';

/** A label value: at most 63 of letters, digits, `-`, `_`, `.`, starting and ending alphanumeric. */
const LABEL_VALUE = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;
/** A DNS-1123 label (container names, host aliases). */
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Refuses run ids that cannot be a label value (they select the run's objects). */
export function checkRunId(runId: string): void {
  if (!LABEL_VALUE.test(runId)) {
    throw new ConfigError(`run id "${runId}" cannot be a Kubernetes label value (letters, digits, "-", "_", "." only, at most 63)`);
  }
}

/** The name of the run's pod and secret: `trunkline-<id>`, lower-cased, with a hash when that changed it. */
export function podName(runId: string): string {
  const slug = runId.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  const exact = slug === runId && slug.length <= 40;
  return exact ? `trunkline-${slug}` : `trunkline-${slug.slice(0, 40)}-${shortHash(runId)}`.replace(/-+/g, '-');
}

/** A container name for the step at `index`: `s<index>-<name slug>`, a DNS-1123 label. */
export function containerName(index: number, stepName: string): string {
  const slug = stepName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return `s${index}-${slug}`.slice(0, 63).replace(/-+$/, '');
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
