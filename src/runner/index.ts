export { defineBackend } from './contract.ts';
export type { Backend, BackendDefinition, RunSpec, StepSpec, StepExit } from './contract.ts';
