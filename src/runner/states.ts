import { InternalError } from '../core/index.ts';
import type { RunSpec, StepSpec } from './contract.ts';

/** The in-memory state of a set-up run, or an InternalError (the scheduler broke the lifecycle). */
export function runStateOf<T>(runs: ReadonlyMap<string, T>, run: RunSpec): T {
  const state = runs.get(run.id);
  if (!state) throw new InternalError(`run "${run.id}" is not set up`);
  return state;
}

/** The in-memory state of a started step of a set-up run, or an InternalError. */
export function stepStateOf<S>(runs: ReadonlyMap<string, { steps: ReadonlyMap<string, S> }>, run: RunSpec, spec: StepSpec): S {
  const state = runStateOf(runs, run).steps.get(spec.step.name);
  if (!state) throw new InternalError(`step "${spec.step.name}" of run "${run.id}" was not started`);
  return state;
}
