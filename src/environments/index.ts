/**
 * Environments: where versions go and who may say so — the model declared in
 * the config repository's `environments.yaml`, previews per branch,
 * promotion, approvals, sync windows and release records.
 */
export * from './config/index.ts';
export * from './catalog/index.ts';
export * from './previews/index.ts';
export * from './service/index.ts';
export type { EnvironmentEvent, EnvironmentEventKind, EnvironmentEvents } from './events.ts';
export { noEvents } from './events.ts';
export { toDeploymentRecord, deploymentHistory } from './releases/dora.ts';
export type { DeploymentHistoryEntry } from './releases/dora.ts';
export { evaluateWindows, isOpen } from './policy/windows.ts';
export type { WindowVerdict } from './policy/windows.ts';
export { accepts, releaseTargets } from './policy/accepts.ts';
export type { BuildRef } from './policy/accepts.ts';
