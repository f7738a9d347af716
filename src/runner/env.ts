import type { PlanStep } from '../pipeline/index.ts';

/** Where the pipeline stands when a step starts. */
export interface RuntimeState {
  failed: boolean;
  failedSteps: readonly string[];
  /** 1-based position of the step in the pipeline. */
  number: number;
}

/**
 * A step's final environment: the plan's variables, its secrets, then the
 * variables only known at run time (Drone's `environ.Build/Stage/Step`).
 * Exec and container backends add their own location variables on top.
 */
export function stepEnvironment(
  step: PlanStep,
  secretValues: Record<string, string>,
  state: RuntimeState,
): Record<string, string> {
  const status = state.failed ? 'failure' : 'success';
  return {
    ...step.environment,
    ...secretValues,
    DRONE_BUILD_STATUS: status,
    DRONE_STAGE_STATUS: status,
    DRONE_FAILED_STEPS: state.failedSteps.join(','),
    DRONE_STEP_NAME: step.name,
    DRONE_STEP_NUMBER: String(state.number),
    CI_STEP_NAME: step.name,
    CI_STEP_NUMBER: String(state.number),
  };
}

/**
 * The values of a step's secret references, or the first missing secret.
 */
export function resolveSecrets(
  step: PlanStep,
  secrets: Readonly<Record<string, string>>,
): { ok: true; values: Record<string, string> } | { ok: false; error: string } {
  const values: Record<string, string> = {};
  for (const ref of step.secrets) {
    const value = Object.hasOwn(secrets, ref.secret) ? secrets[ref.secret] : undefined;
    if (value === undefined) {
      return {
        ok: false,
        error: `secret "${ref.secret}" (for variable ${ref.env}) is not defined for this build`,
      };
    }
    values[ref.env] = value;
  }
  return { ok: true, values };
}
