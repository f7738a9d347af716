/** Shapes of Kubernetes objects and references as the kube client exposes them. */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  managedFields?: unknown[];
  [field: string]: unknown;
}

/** Any Kubernetes object: typed envelope, untyped body. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A kind of object: `{ apiVersion: 'apps/v1', kind: 'Deployment' }`. */
export interface TypeRef {
  apiVersion: string;
  kind: string;
}

/** One object; `namespace` defaults to the kubeconfig context's for namespaced kinds. */
export interface ObjectRef extends TypeRef {
  name: string;
  namespace?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

/** One watch event; a BOOKMARK carries only `metadata.resourceVersion`. */
export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

/** The key an object is cached and compared under: `apiVersion/kind/namespace/name`. */
export function objectKey(ref: ObjectRef): string {
  return `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** The key of a kind: `apiVersion/kind`. */
export function typeKey(type: TypeRef): string {
  return `${type.apiVersion}/${type.kind}`;
}

/** The reference of an object (its namespace as stored, if any). */
export function refOf(object: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name };
  if (object.metadata.namespace) ref.namespace = object.metadata.namespace;
  return ref;
}
