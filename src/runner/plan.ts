import type { Clock, Logger } from '../core/index.ts';
import { messageOf, newId, systemClock } from '../core/index.ts';
import type { Plan, PlanPipeline } from '../pipeline/index.ts';
import type { Backend, BackendDefinition } from './contract.ts';
import { validateDag, walkDag } from './dag.ts';
import { runPipeline } from './pipeline.ts';
import { BackendPool } from './pool.ts';
import { decideRun } from './policy.ts';
import type { PlanObserver, PlanPipelineResult, PlanResult, RunObserver, StepResult } from './results.ts';
import { observerCaller } from './step.ts';

export interface RunPlanOptions {
  plan: Plan;
  secrets: Record<string, string>;
  observer: PlanObserver;
  logger: Logger;
  signal?: AbortSignal;
  /** Prefix of the pipelines' run ids (`<runId>-<n>`); default a new id. */
  runId?: string;
  /** Default: every registered backend. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each definition has its own config type
  backends?: readonly BackendDefinition<any>[];
  /** Raw configuration per backend id, parsed by that backend's schema (missing = defaults). */
  backendConfig?: Record<string, unknown>;
  stepTimeoutMs?: number;
  logLimitBytes?: number;
  clock?: Clock;
  /** The pipelines may run privileged steps and mount host paths (see `RunSpec.trusted`). */
  trusted?: boolean;
}

/**
 * Runs a whole plan in this process (`trunkline exec`): walks the pipelines
 * DAG, runs independent pipelines concurrently, each on the backend its
 * `type` asks for. A pipeline runs according to its run policy, where
 * "failed" means one of its dependencies failed (a skipped dependency is
 * not a failure), as Drone schedules stages.
 */
export async function runPlan(options: RunPlanOptions): Promise<PlanResult> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const notify = observerCaller(logger);
  const runId = options.runId ?? newId();
  const results = new Map<string, PlanPipelineResult>();

  validateDag(options.plan.pipelines, 'pipeline');

  const pool = new BackendPool({ backends: options.backends, config: options.backendConfig, logger });

  const skipAll = (pipeline: PlanPipeline, reason: string): PlanPipelineResult => ({
    status: 'skipped',
    reason,
    steps: [...pipeline.services, ...pipeline.steps].map((step) => ({
      name: step.name,
      result: { status: 'skipped', finishedAt: clock.now(), reason } satisfies StepResult,
    })),
  });

  const visit = async (pipeline: PlanPipeline, index: number): Promise<void> => {
    const finish = async (result: PlanPipelineResult) => {
      results.set(pipeline.name, result);
      await notify(() => options.observer.pipelineFinished(pipeline, result));
    };
    if (options.signal?.aborted) return finish(skipAll(pipeline, 'cancelled'));
    const failedDeps = pipeline.dependsOn.filter((dep) => {
      const status = results.get(dep)?.status;
      return status === 'failure' || status === 'error' || status === 'killed';
    });
    const decision = decideRun(
      pipeline.runPolicy,
      failedDeps.length > 0,
      pipeline.skipReason,
      `its dependency ${failedDeps.map((d) => `"${d}"`).join(', ')}`,
    );
    if (!decision.run) {
      const reason = decision.reason.replace('nothing failed', 'no dependency failed');
      return finish(skipAll(pipeline, reason));
    }

    await notify(() => options.observer.pipelineStarted(pipeline, clock.now()));
    let backend: Backend;
    try {
      backend = await pool.for(pipeline);
    } catch (error) {
      const message = messageOf(error);
      const skipped = skipAll(pipeline, `not run: ${message}`);
      return finish({ status: 'error', error: message, steps: skipped.steps });
    }
    const observer: RunObserver = {
      stepStarted: (step, at) => options.observer.stepStarted(pipeline, step, at),
      stepLog: (step, lines) => options.observer.stepLog(pipeline, step, lines),
      stepFinished: (step, result) => options.observer.stepFinished(pipeline, step, result),
    };
    const result = await runPipeline({
      run: { id: `${runId}-${index + 1}`, pipeline, trusted: options.trusted === true },
      backend,
      secrets: options.secrets,
      observer,
      logger,
      clock,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.stepTimeoutMs !== undefined ? { stepTimeoutMs: options.stepTimeoutMs } : {}),
      ...(options.logLimitBytes !== undefined ? { logLimitBytes: options.logLimitBytes } : {}),
    });
    return finish(result);
  };

  const indexOf = new Map(options.plan.pipelines.map((p, i) => [p.name, i]));
  await walkDag(options.plan.pipelines, (pipeline) => visit(pipeline, indexOf.get(pipeline.name) ?? 0));

  const pipelines = options.plan.pipelines.map((p) => ({
    name: p.name,
    result: results.get(p.name) ?? skipAll(p, 'not reached'),
  }));
  return { status: planStatus(pipelines.map((p) => p.result)), pipelines };
}

function planStatus(results: PlanPipelineResult[]): PlanResult['status'] {
  const statuses = new Set(results.map((r) => r.status));
  if (statuses.has('killed')) return 'killed';
  if (statuses.has('error')) return 'error';
  if (statuses.has('failure')) return 'failure';
  return 'success';
}
