import type { KubeObject } from '../../artifacts/index.ts';
import type { ScopeOverride } from './cluster-scoped.ts';
import { scopeResolver } from './cluster-scoped.ts';
import { appLabel, trackingAnnotation, trackingId } from './tracking.ts';

/**
 * Copies of `objects` with the destination namespace filled in for
 * namespaced kinds that name none (cluster-scoped ones are left alone, and
 * lose a stray namespace) and Trunkline's tracking label and annotation.
 */
export function track(objects: readonly KubeObject[], options: { namespace: string; appName: string; scopeOverride?: ScopeOverride }): KubeObject[] {
  const scopeOf = scopeResolver(objects, options.scopeOverride);
  return objects.map((object) => {
    const metadata = { ...object.metadata };
    if (scopeOf(object) === 'Namespaced') {
      if (!metadata.namespace) metadata.namespace = options.namespace;
    } else {
      delete metadata.namespace;
    }
    const tracked: KubeObject = { ...object, metadata };
    metadata.labels = { ...metadata.labels, [appLabel]: options.appName };
    metadata.annotations = { ...metadata.annotations, [trackingAnnotation]: trackingId(options.appName, tracked) };
    return tracked;
  });
}
