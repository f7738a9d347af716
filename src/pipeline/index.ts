export type {
  Plan,
  PlanPipeline,
  PlanStep,
  PlanVolumeMount,
  PipelineType,
  RunPolicy,
  ErrorPolicy,
  SecretRef,
  PlanKubernetes,
  PlanToleration,
} from './plan.ts';
export type { BuildContext, BuildEvent } from './context.ts';
export type { Diagnostic, Severity } from './diagnostic.ts';
export type {
  ParsedFile,
  PipelineDoc,
  StepDoc,
  SecretDoc,
  VolumeDoc,
  Condition,
  Conditions,
  ConditionKey,
  EnvValue,
  SettingValue,
  Site,
  Loc,
  YamlPath,
} from './model.ts';
export { parsePipelineFile } from './parse.ts';
export { lintPipelineFile } from './lint.ts';
export { compilePlan } from './compile.ts';
export { formatDiagnostic, hasErrors } from './diagnostic.ts';
export { substitute } from './substitute.ts';
export { buildEnvironment } from './environment.ts';
export { imageTag } from './image-tag.ts';
export { matchCondition, matchPaths, decide, knownEvents } from './conditions.ts';
export type { Decision } from './conditions.ts';
export { encodeSetting } from './settings.ts';
