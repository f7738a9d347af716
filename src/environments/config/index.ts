export { parseEnvironments, defaultEnvironments, ENVIRONMENTS_FILE } from './parse.ts';
export { defaultEnvironmentsYaml, tagDrivenEnvironmentsYaml } from './defaults.ts';
export { resolveEnvironment, durationMs } from './environment.ts';
export type { Environment, SyncWindow, PreviewSettings } from './environment.ts';
export { environmentKinds, deployModes } from './schema.ts';
export type { EnvironmentKind, DeployMode, EnvironmentsFileInput } from './schema.ts';
export { branchSlug, expandPattern, namespaceFor } from './patterns.ts';
export type { PatternValues } from './patterns.ts';
