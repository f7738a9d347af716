export { createKubeClient } from './client.ts';
export type { KubeClient, KubeClientOptions, ApplyOptions, ListOptions, ListResult, DeleteOptions, WatchOptions } from './client.ts';
export type { ResourceCatalog, ResourceInfo } from './discovery.ts';
export type { WatchHandle } from './watch.ts';
export { ApplyConflictError, WatchExpiredError } from './errors.ts';
export type { FieldConflict, KubeErrorDetails } from './errors.ts';
export { objectKey, typeKey, refOf } from './types.ts';
export type { KubeObject, ObjectMeta, TypeRef, ObjectRef, WatchEvent, WatchEventType } from './types.ts';
