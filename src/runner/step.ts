import type { Clock, Logger } from '../core/index.ts';
import { messageOf } from '../core/index.ts';
import type { PlanStep } from '../pipeline/index.ts';
import type { Backend, RunSpec, StepExit, StepSpec } from './contract.ts';
import { StepLog } from './log/step-log.ts';
import type { LogLine } from './log/step-log.ts';
import type { RunObserver, StepResult } from './results.ts';
import { describeStop, isStopCause } from './stop.ts';
import type { StopCause } from './stop.ts';

const MAX_LINES_PER_BATCH = 500;

export interface StepContext {
  run: RunSpec;
  backend: Backend;
  observer: RunObserver;
  logger: Logger;
  clock: Clock;
  logLimitBytes: number;
}

export interface StepRunOptions {
  env: Record<string, string>;
  /** Values to mask in the log. */
  secretValues: string[];
  /** Any of these aborting (reason: a `StopCause`) stops the step. */
  stopSignals: AbortSignal[];
  timeoutMs?: number;
  /** Called once the backend reports the step running, or once it ended without running. */
  onRunning?: () => void;
}

/**
 * Runs one step through the backend lifecycle (start → tail → wait),
 * streams its masked, capped log to the observer, stops it on a stop
 * signal or its timeout, and reports `stepStarted` and `stepFinished`.
 */
export async function runStep(ctx: StepContext, step: PlanStep, options: StepRunOptions): Promise<StepResult> {
  const { run, backend, clock } = ctx;
  const logger = ctx.logger.child({ step: step.name });
  const notify = observerCaller(logger);
  const spec: StepSpec = { step, env: options.env };
  const startedAt = clock.now();
  await notify(() => ctx.observer.stepStarted(step, startedAt));

  const stop = new AbortController();
  const forward = (signal: AbortSignal) => () => stop.abort(signal.reason);
  const unlink = options.stopSignals.map((signal) => {
    const listener = forward(signal);
    if (signal.aborted) listener();
    else signal.addEventListener('abort', listener, { once: true });
    return () => signal.removeEventListener('abort', listener);
  });
  const timeoutMs = options.timeoutMs;
  const timer =
    timeoutMs === undefined ? undefined : setTimeout(() => stop.abort({ kind: 'step-timeout', ms: timeoutMs }), timeoutMs);
  const cleanup = () => {
    clearTimeout(timer);
    for (const remove of unlink) remove();
  };

  const finish = async (result: StepResult): Promise<StepResult> => {
    cleanup();
    options.onRunning?.();
    await notify(() => ctx.observer.stepFinished(step, result));
    return result;
  };

  try {
    await backend.start(run, spec);
  } catch (error) {
    logger.warn({ err: error }, 'step could not start');
    return finish({ status: 'error', error: messageOf(error), startedAt, finishedAt: clock.now() });
  }
  logger.debug('step started');
  options.onRunning?.();

  let stopping: Promise<void> | undefined;
  const stopStep = () => {
    stopping ??= backend.stop(run, spec).catch((error: unknown) => logger.warn({ err: error }, 'step could not be stopped'));
  };
  if (stop.signal.aborted) stopStep();
  else stop.signal.addEventListener('abort', stopStep, { once: true });

  const log = new StepLog({ secrets: options.secretValues, limitBytes: ctx.logLimitBytes, startedAt });
  const emit = async (lines: LogLine[]) => {
    for (let i = 0; i < lines.length; i += MAX_LINES_PER_BATCH) {
      const batch = lines.slice(i, i + MAX_LINES_PER_BATCH);
      await notify(() => ctx.observer.stepLog(step, batch));
    }
  };
  const pump = (async () => {
    try {
      for await (const chunk of backend.tail(run, spec)) await emit(log.push(chunk, clock.now()));
    } catch (error) {
      logger.warn({ err: error }, 'step log stream failed');
    }
    await emit(log.end(clock.now()));
  })();

  let exit: StepExit;
  try {
    exit = await backend.wait(run, spec);
  } catch (error) {
    stopStep();
    await pump;
    await stopping;
    return finish({ status: 'error', error: messageOf(error), startedAt, finishedAt: clock.now() });
  }
  await pump;
  await stopping;
  const cause = stop.signal.aborted && isStopCause(stop.signal.reason) ? stop.signal.reason : undefined;
  logger.debug({ exitCode: exit.exitCode, stopped: exit.stopped }, 'step exited');
  return finish(exitResult(exit, cause, startedAt, clock.now()));
}

function exitResult(exit: StepExit, cause: StopCause | undefined, startedAt: number, finishedAt: number): StepResult {
  const base = { exitCode: exit.exitCode, startedAt, finishedAt };
  if (exit.stopped && cause) {
    const reason = describeStop(cause);
    switch (cause.kind) {
      case 'step-timeout':
        return { ...base, status: 'failure', reason };
      case 'end':
        return { ...base, status: 'success', reason };
      case 'cancel':
      case 'pipeline-timeout':
        return { ...base, status: 'killed', reason };
    }
  }
  if (exit.oomKilled) return { ...base, status: 'failure', reason: 'out of memory' };
  // 78 is Drone's "success, skip the remaining steps".
  if (exit.exitCode === 0 || exit.exitCode === 78) return { ...base, status: 'success' };
  return { ...base, status: 'failure' };
}

/** Calls an observer method, logging instead of failing the run when it throws. */
export function observerCaller(logger: Logger): (call: () => void | Promise<void>) => Promise<void> {
  return async (call) => {
    try {
      await call();
    } catch (error) {
      logger.error({ err: error }, 'run observer failed');
    }
  };
}
