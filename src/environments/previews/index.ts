export { PreviewService } from './service.ts';
export type { PreviewView, PreviewReleaseRequest, PreviewReleaseResult } from './service.ts';
export type { PreviewDeps } from './deps.ts';
export type { PreviewEvent, PreviewEventSink, PreviewEventType } from './events.ts';
export { previewEventTypes } from './events.ts';
export { previewEnvironmentFor, previewTarget, previewHost, previewApplication, matchesNamePattern } from './naming.ts';
export { checkNotProtected, checkTeardown, ownsNamespace, previewLabels } from './guards.ts';
export { runProvisioner, parseProvisionerOutput } from './provisioner.ts';
export type { ProvisionerInput, ProvisionerOutput } from './provisioner.ts';
