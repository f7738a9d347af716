/**
 * GitOps: config-repository write-back, rendering, diff and health of
 * applications, and the controller that keeps clusters matching git
 * (live caches, reconcile, resumable syncs, self-heal, rollback).
 */
export * from './render/index.ts';
export * from './diff/index.ts';
export * from './health/index.ts';
export * from './writeback/index.ts';
export { GitopsController } from './controller/controller.ts';
export type { GitopsControllerOptions, SyncRequest, RollbackResult, DriftEvent } from './controller/controller.ts';
export type { Assessment, ResourceStatus } from './controller/assess.ts';
export type { Prediction, PredictedAction } from './controller/predict.ts';
export { ClusterCache, commonKinds } from './cache/cluster-cache.ts';
export { ConfigSources } from './source/config-sources.ts';
export { advanceSync, FIELD_MANAGER } from './sync/advance.ts';
export type { ObjectChange, Conflict, SyncState, SyncStage } from './sync/state.ts';
export type * from './contract.ts';
export { Applications } from './applications/service.ts';
export type { ApplicationsOptions, ApplicationView, ApplicationDetail } from './applications/service.ts';
export { clusterInputSchema, clusterPatchSchema, applicationInputSchema, applicationPatchSchema, syncRequestSchema, rollbackSchema } from './applications/schemas.ts';
