export { EnvironmentService } from './environments-service.ts';
export type { PromoteInput, VersionInput, SyncOutcome, DeployOutcome, ReleaseOutcome } from './environments-service.ts';
export type { EnvironmentDeps, Actor } from './deps.ts';
export { applicationName } from './deps.ts';
export type { EnvironmentView, EnvironmentsView, Matrix, MatrixCell } from './views.ts';
export { configRepositorySource } from './config-source.ts';
