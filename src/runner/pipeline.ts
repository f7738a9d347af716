import type { Clock, Logger } from '../core/index.ts';
import { messageOf, systemClock } from '../core/index.ts';
import type { PlanStep } from '../pipeline/index.ts';
import type { Backend, RunSpec } from './contract.ts';
import { validateDag, walkDag } from './dag.ts';
import { resolveSecrets, stepEnvironment } from './env.ts';
import { decideRun } from './policy.ts';
import type { PipelineResult, RunObserver, StepResult } from './results.ts';
import { observerCaller, runStep } from './step.ts';
import type { StepContext } from './step.ts';
import { describeStop, isStopCause } from './stop.ts';
import type { StopCause } from './stop.ts';

export interface RunPipelineOptions {
  run: RunSpec;
  backend: Backend;
  /** Values for the steps' secret references, by secret name. */
  secrets: Record<string, string>;
  /**
   * Variables every step gets, masked in logs like secrets: the stage's
   * own short-lived credentials (e.g. a token to push to the registry).
   */
  credentials?: Record<string, string>;
  /** Plain variables every step gets from the runner (e.g. where the server is, PATH with its tools). */
  environment?: Record<string, string>;
  /** Cancels the run: running steps are stopped, nothing new starts. */
  signal?: AbortSignal;
  /** Whole pipeline; default the plan's `timeoutSeconds`, else 60 minutes. */
  timeoutMs?: number;
  /** For steps without their own `timeoutSeconds`; default none (the pipeline's applies). */
  stepTimeoutMs?: number;
  /** Per step; default 5 MiB. */
  logLimitBytes?: number;
  observer: RunObserver;
  logger: Logger;
  clock?: Clock;
}

export const DEFAULT_PIPELINE_TIMEOUT_MS = 60 * 60 * 1000;
export const DEFAULT_LOG_LIMIT_BYTES = 5 * 1024 * 1024;

/**
 * Runs one pipeline (a Drone "stage") on a backend: sets it up, starts its
 * services, walks the steps DAG running each step as soon as its
 * dependencies are done (in parallel where the DAG allows), applies run and
 * error policies, timeouts and cancel, and always destroys the run.
 * Never throws for failures of the run itself; they are in the result.
 */
export async function runPipeline(options: RunPipelineOptions): Promise<PipelineResult> {
  const { backend } = options;
  const pipeline = options.run.pipeline;
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ run: options.run.id, pipeline: pipeline.name });
  const notify = observerCaller(logger);
  const everything = [...pipeline.services, ...pipeline.steps];
  const results = new Map<string, StepResult>();

  // Abort reason: a StopCause. `ended` stops detached steps once the DAG is done.
  const aborted = new AbortController();
  const ended = new AbortController();
  const onCancel = () => aborted.abort({ kind: 'cancel' } satisfies StopCause);
  if (options.signal?.aborted) onCancel();
  options.signal?.addEventListener('abort', onCancel, { once: true });
  const timeoutMs =
    options.timeoutMs ??
    (pipeline.timeoutSeconds !== undefined ? pipeline.timeoutSeconds * 1000 : DEFAULT_PIPELINE_TIMEOUT_MS);
  const run: RunSpec = {
    ...options.run,
    inputs: { secrets: options.secrets, environment: options.environment ?? {}, credentials: options.credentials ?? {}, timeoutMs },
  };
  const timer = setTimeout(() => aborted.abort({ kind: 'pipeline-timeout', ms: timeoutMs } satisfies StopCause), timeoutMs);

  const state = {
    failed: false,
    failedSteps: [] as string[],
    /** First step error (could not run at all), which makes the pipeline `error`. */
    error: undefined as string | undefined,
    /** Set when a step exits 78: Drone's "skip everything after me". */
    skipRest: undefined as string | undefined,
  };
  const ctx: StepContext = {
    run,
    backend,
    observer: options.observer,
    logger,
    clock,
    logLimitBytes: options.logLimitBytes ?? DEFAULT_LOG_LIMIT_BYTES,
  };
  const detached: Promise<unknown>[] = [];

  const finish = async (step: PlanStep, result: StepResult) => {
    results.set(step.name, result);
    await notify(() => options.observer.stepFinished(step, result));
  };
  const skip = (step: PlanStep, reason: string) => finish(step, { status: 'skipped', finishedAt: clock.now(), reason });
  const fail = (step: PlanStep, result: StepResult) => {
    if (result.status === 'success' || result.status === 'skipped' || result.status === 'killed') return;
    if (result.status === 'failure' && step.errorPolicy === 'ignore') return;
    state.failed = true;
    state.failedSteps.push(step.name);
    if (result.status === 'error') state.error ??= `step "${step.name}": ${result.error ?? 'could not run'}`;
  };

  const launch = async (step: PlanStep, background: boolean): Promise<void> => {
    if (aborted.signal.aborted) return skip(step, describeStop(aborted.signal.reason as StopCause));
    if (state.skipRest !== undefined) return skip(step, state.skipRest);
    if (!background || step.kind !== 'service') {
      const decision = decideRun(step.runPolicy, state.failed, step.skipReason);
      if (!decision.run) return skip(step, decision.reason);
    }
    const secrets = resolveSecrets(step, options.secrets);
    if (!secrets.ok) {
      const result: StepResult = { status: 'error', error: secrets.error, finishedAt: clock.now() };
      fail(step, result);
      return finish(step, result);
    }
    const env = {
      ...stepEnvironment(step, secrets.values, {
        failed: state.failed,
        failedSteps: state.failedSteps,
        number: everything.indexOf(step) + 1,
      }),
      ...options.environment,
      ...options.credentials,
    };
    const secretValues = [...Object.values(secrets.values), ...Object.values(options.credentials ?? {})];
    if (background) {
      // Drone: a detached step counts as started; its own exit does not fail the pipeline.
      await new Promise<void>((running) => {
        const done = runStep(ctx, step, { env, secretValues, stopSignals: [aborted.signal, ended.signal], onRunning: running })
          .then((result) => {
            results.set(step.name, result);
            if (result.status === 'error') fail(step, result);
          })
          .finally(running);
        detached.push(done);
      });
      return;
    }
    const own = step.timeoutSeconds !== undefined ? step.timeoutSeconds * 1000 : options.stepTimeoutMs;
    const result = await runStep(ctx, step, {
      env,
      secretValues,
      stopSignals: [aborted.signal],
      ...(own !== undefined ? { timeoutMs: own } : {}),
    });
    results.set(step.name, result);
    fail(step, result);
    if (result.status === 'success' && result.exitCode === 78) {
      state.skipRest = `step "${step.name}" exited with code 78 (skip the remaining steps)`;
    }
  };

  let setupError: string | undefined;
  try {
    try {
      validateDag(everything.map((s) => ({ name: s.name, dependsOn: [] })), 'step');
      validateDag(pipeline.steps, 'step');
      await backend.setup(run);
    } catch (error) {
      setupError = messageOf(error);
      logger.warn({ err: error }, 'pipeline setup failed');
    }
    if (setupError !== undefined) {
      for (const step of everything) await skip(step, `not run: ${setupError}`);
    } else {
      for (const service of pipeline.services) await launch(service, true);
      await walkDag(pipeline.steps, (step) =>
        launch(step, step.detach).catch(async (error: unknown) => {
          logger.error({ err: error }, 'step failed unexpectedly');
          const result: StepResult = { status: 'error', error: messageOf(error), finishedAt: clock.now() };
          fail(step, result);
          if (!results.has(step.name)) await finish(step, result);
        }),
      );
      ended.abort({ kind: 'end' } satisfies StopCause);
      await Promise.all(detached);
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCancel);
    ended.abort({ kind: 'end' } satisfies StopCause);
    await Promise.allSettled(detached);
    try {
      await backend.destroy(run);
    } catch (error) {
      logger.warn({ err: error }, 'pipeline could not be destroyed');
    }
  }

  const steps = everything.map((step) => ({
    name: step.name,
    result: results.get(step.name) ?? { status: 'skipped' as const, finishedAt: clock.now(), reason: 'not reached' },
  }));
  if (setupError !== undefined) return { status: 'error', error: setupError, steps };
  if (aborted.signal.aborted && isStopCause(aborted.signal.reason)) {
    return { status: 'killed', error: describeStop(aborted.signal.reason), steps };
  }
  if (state.error !== undefined) return { status: 'error', error: state.error, steps };
  return { status: state.failed ? 'failure' : 'success', steps };
}
