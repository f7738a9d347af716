import type { PlanPipeline, PlanStep } from '../pipeline/index.ts';
import type { LogLine } from './log/step-log.ts';

export type StepStatus = 'success' | 'failure' | 'killed' | 'skipped' | 'error';

export interface StepResult {
  status: StepStatus;
  exitCode?: number;
  /** What went wrong when the step could not run (`error`). */
  error?: string;
  /** Undefined when the step never started. */
  startedAt?: number;
  finishedAt: number;
  /** Why it was skipped, killed or failed without its own doing (e.g. `timed out after 60s`). */
  reason?: string;
}

export interface PipelineResult {
  status: 'success' | 'failure' | 'killed' | 'error';
  error?: string;
  /** Services first, then steps, in plan order. */
  steps: { name: string; result: StepResult }[];
}

/**
 * Receives a pipeline's progress. For one step the events come in order
 * (`stepStarted`, `stepLog`…, `stepFinished`; a skipped step gets only
 * `stepFinished`) and each returned promise is awaited before the next
 * event of that step, so a store can persist in order. Events of different
 * steps interleave. A throwing observer is logged, not fatal to the run.
 */
export interface RunObserver {
  stepStarted(step: PlanStep, at: number): void | Promise<void>;
  /** Batched, in order, at most 500 lines per call. */
  stepLog(step: PlanStep, lines: LogLine[]): void | Promise<void>;
  stepFinished(step: PlanStep, result: StepResult): void | Promise<void>;
}

/** A pipeline of a plan that did not run (its trigger or its dependencies said no). */
export interface SkippedPipelineResult {
  status: 'skipped';
  reason: string;
  steps: { name: string; result: StepResult }[];
}

export type PlanPipelineResult = PipelineResult | SkippedPipelineResult;

export interface PlanResult {
  status: 'success' | 'failure' | 'killed' | 'error';
  pipelines: { name: string; result: PlanPipelineResult }[];
}

/**
 * `RunObserver` for a whole plan: the same step events with the pipeline
 * they belong to, plus the start and end of each pipeline. A skipped
 * pipeline gets only `pipelineFinished`.
 */
export interface PlanObserver {
  pipelineStarted(pipeline: PlanPipeline, at: number): void | Promise<void>;
  pipelineFinished(pipeline: PlanPipeline, result: PlanPipelineResult): void | Promise<void>;
  stepStarted(pipeline: PlanPipeline, step: PlanStep, at: number): void | Promise<void>;
  stepLog(pipeline: PlanPipeline, step: PlanStep, lines: LogLine[]): void | Promise<void>;
  stepFinished(pipeline: PlanPipeline, step: PlanStep, result: StepResult): void | Promise<void>;
}
