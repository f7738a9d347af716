/**
 * What a preview teardown may touch: only previews Trunkline recorded, only
 * names the preview pattern makes, never a staging or production environment
 * nor a namespace one of them uses, and a namespace only when it carries
 * Trunkline's labels for this preview. Each refusal is a `ForbiddenError`.
 */
import { ForbiddenError } from '../../core/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import type { PreviewRecord } from '../../store/index.ts';
import type { Environment } from '../config/index.ts';
import { matchesNamePattern } from './naming.ts';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const PREVIEW_LABEL = 'trunkline.dev/preview';

/** Labels of a namespace Trunkline creates for a preview. */
export function previewLabels(name: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: 'trunkline', [PREVIEW_LABEL]: name };
}

const guarded = new Set(['staging', 'production']);

/** Refuses a preview name that is, or whose namespace is, used by a staging or production environment. */
export function checkNotProtected(name: string, namespace: string, environments: readonly Environment[]): void {
  for (const env of environments) {
    if (!guarded.has(env.kind)) continue;
    if (env.name === name || env.namespace === namespace || env.namespace === name) {
      throw new ForbiddenError(`"${name}" is the ${env.kind} environment "${env.name}" or its namespace: previews never touch it`, { environment: env.name, kind: env.kind });
    }
  }
}

/** Everything a teardown checks before it deletes anything. */
export function checkTeardown(record: PreviewRecord | undefined, environment: Environment | undefined, environments: readonly Environment[]): asserts record is PreviewRecord {
  if (!record) throw new ForbiddenError('no preview of that name was created by Trunkline');
  if (environment && environment.kind !== 'preview') throw new ForbiddenError(`"${record.environment}" is a ${environment.kind} environment, not a preview`);
  if (environment && !matchesNamePattern(environment, record.name)) {
    throw new ForbiddenError(`"${record.name}" does not match the preview pattern "${environment.namespace}"`, { pattern: environment.namespace });
  }
  checkNotProtected(record.name, record.namespace, environments);
}

/** True only for a namespace labelled as Trunkline's for exactly this preview. */
export function ownsNamespace(namespace: KubeObject | undefined, preview: string): boolean {
  const labels = namespace?.metadata.labels ?? {};
  return labels[MANAGED_BY_LABEL] === 'trunkline' && labels[PREVIEW_LABEL] === preview;
}
