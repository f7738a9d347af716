import type { KubeObject } from '../../artifacts/index.ts';
import { groupOf } from '../render/index.ts';

/** `group/kind/namespace/name` (core group and cluster scope empty). */
export function objectKey(object: KubeObject): string {
  return `${groupOf(object.apiVersion)}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}
