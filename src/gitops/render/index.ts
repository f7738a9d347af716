export { renderPath } from './render-path.ts';
export type { RenderPathOptions } from './render-path.ts';
export { parseManifests } from './parse-manifests.ts';
export { track } from './track.ts';
export { appLabel, trackingAnnotation, trackingId, isTrackedBy, groupOf } from './tracking.ts';
export { scopeResolver } from './cluster-scoped.ts';
export type { ScopeOverride, ScopeOf } from './cluster-scoped.ts';
export { sourceKindOf } from './source-kind.ts';
export type { SourceKind } from './source-kind.ts';
