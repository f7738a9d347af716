/**
 * How Trunkline marks what it manages. Its own label rather than
 * `app.kubernetes.io/managed-by`, which Helm charts already set; the
 * annotation pins an object's identity so a copy (or an object another
 * tool cloned with our labels) is not mistaken for ours.
 */
import type { KubeObject } from '../../artifacts/index.ts';

export const appLabel = 'trunkline.dev/app';
export const trackingAnnotation = 'trunkline.dev/tracking-id';

/** `group` of an `apiVersion`: `apps/v1` → `apps`, `v1` → `` (core). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** `<app>:<group>/<kind>:<namespace>/<name>`, as Argo CD's annotation tracking. */
export function trackingId(appName: string, object: KubeObject): string {
  return `${appName}:${groupOf(object.apiVersion)}/${object.kind}:${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** True when `object` carries `appName`'s label and, if present, its own tracking id. */
export function isTrackedBy(object: KubeObject, appName?: string): boolean {
  const label = object.metadata.labels?.[appLabel];
  if (label === undefined || (appName !== undefined && label !== appName)) return false;
  const id = object.metadata.annotations?.[trackingAnnotation];
  return id === undefined || id === trackingId(label, object);
}
