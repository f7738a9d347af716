export { defineBackend } from './contract.ts';
export type { Backend, BackendDefinition, RunSpec, RunInputs, StepSpec, StepExit } from './contract.ts';
export { runPipeline, DEFAULT_LOG_LIMIT_BYTES, DEFAULT_PIPELINE_TIMEOUT_MS } from './pipeline.ts';
export type { RunPipelineOptions } from './pipeline.ts';
export { runPlan } from './plan.ts';
export type { RunPlanOptions } from './plan.ts';
export type {
  RunObserver,
  PlanObserver,
  StepResult,
  StepStatus,
  PipelineResult,
  PlanResult,
  PlanPipelineResult,
  SkippedPipelineResult,
} from './results.ts';
export { backends, selectBackend, knownPipelineTypes } from './backends.ts';
export { BackendPool } from './pool.ts';
export type { BackendPoolOptions } from './pool.ts';
export { execBackend } from './exec/definition.ts';
export type { ExecBackendConfig } from './exec/backend.ts';
export { containerBackend } from './container/definition.ts';
export type { ContainerBackendConfig } from './container/definition.ts';
export { probeHost as probeContainerHost } from './container/probe.ts';
export { ContainerCli } from './container/cli.ts';
export { kubernetesBackend } from './kubernetes/definition.ts';
export type { KubernetesBackendConfig } from './kubernetes/definition.ts';
export { kubernetesConfigFromEnv } from './kubernetes/env-config.ts';
export { StepLog } from './log/step-log.ts';
export type { LogLine } from './log/step-log.ts';
export { createMasker, MASK } from './log/mask.ts';
export { LineSplitter } from './log/lines.ts';
export { LogLimiter, limitMarker } from './log/limit.ts';
