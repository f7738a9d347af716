import { InternalError } from '../core/index.ts';
import type { PlanStep } from '../pipeline/index.ts';
import type { LogLine, RunObserver, StepResult } from '../runner/index.ts';
import type { StepRecord } from '../store/index.ts';
import type { BuildDeps } from './deps.ts';

/**
 * Records a running stage: step states and log lines go to the store first
 * and then to live viewers, so nothing a viewer saw can be missing after a
 * crash.
 */
export function recordingObserver(deps: BuildDeps, steps: readonly StepRecord[]): RunObserver {
  const idOf = (step: PlanStep): string => {
    const record = steps.find((candidate) => candidate.name === step.name);
    if (!record) throw new InternalError(`step "${step.name}" of the plan has no step record`);
    return record.id;
  };
  return {
    async stepStarted(step, at) {
      await deps.store.steps.update(idOf(step), { status: 'running', startedAt: at });
    },
    async stepLog(step, lines: LogLine[]) {
      const id = idOf(step);
      await deps.store.logs.append(id, lines);
      deps.live.publish(id, lines);
    },
    async stepFinished(step, result: StepResult) {
      const id = idOf(step);
      const record = await deps.store.steps.update(id, {
        status: result.status,
        exitCode: result.exitCode ?? null,
        error: result.error ?? result.reason ?? null,
        errorIgnored: step.errorPolicy === 'ignore' && result.status === 'failure',
        ...(result.startedAt ? { startedAt: result.startedAt } : {}),
        finishedAt: result.finishedAt,
      });
      deps.live.end(id);
      deps.changes.stepFinished(record);
    },
  };
}
