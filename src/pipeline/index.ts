export type {
  Plan,
  PlanPipeline,
  PlanStep,
  PlanVolumeMount,
  PipelineType,
  RunPolicy,
  ErrorPolicy,
  SecretRef,
} from './plan.ts';
export type { BuildContext, BuildEvent } from './context.ts';
