import { ConfigError } from '../../core/index.ts';
import type { PlanStep } from '../../pipeline/index.ts';
import type { RunInputs } from '../contract.ts';
import { resolveSecrets, stepEnvironment } from '../env.ts';
import { ENV_ANNOTATION_PREFIX } from './names.ts';

/**
 * A container's environment is fixed when its pod is created, but a step's
 * final environment (`StepSpec.env`) is only complete when it starts. So the
 * pod is made from what is known before (the run's inputs), the way Drone's
 * Kubernetes runner does it:
 * - plain values are written in the pod spec (`$(` escaped, so Kubernetes
 *   does not expand references in them);
 * - secret values (the step's `from_secret` variables and the stage's
 *   credentials) stay out of the pod spec: each is a key of the run's Secret,
 *   read through `secretKeyRef`;
 * - the variables that depend on how earlier steps went
 *   (`DRONE_BUILD_STATUS`, `DRONE_STAGE_STATUS`, `DRONE_FAILED_STEPS`) come
 *   from pod annotations through the downward API, set when the step starts
 *   (in the same patch that starts it), which is when its container is made.
 */
export const RUNTIME_VARIABLES = ['DRONE_BUILD_STATUS', 'DRONE_STAGE_STATUS', 'DRONE_FAILED_STEPS'] as const;

export interface ContainerEnv {
  /** `env` of the container spec. */
  env: Record<string, unknown>[];
  /** Keys and values this container adds to the run's Secret. */
  secretData: Record<string, string>;
  /** What the container gets, by variable, to compare with the final environment at start. */
  expected: Record<string, string>;
}

const NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export function containerEnv(
  step: PlanStep,
  number: number,
  inputs: RunInputs,
  locations: Record<string, string>,
  secretName: string,
  container: string,
): ContainerEnv {
  const secrets = resolveSecrets(step, inputs.secrets);
  // A missing secret fails the step before it starts (runPipeline); its variable is simply absent here.
  const secretValues = secrets.ok ? secrets.values : {};
  const initial = stepEnvironment(step, secretValues, { failed: false, failedSteps: [], number });
  const final: Record<string, string> = { ...initial, ...inputs.environment, ...inputs.credentials, ...locations };
  const fromSecret = new Set([...Object.keys(secretValues), ...Object.keys(inputs.credentials)]);
  for (const name of [...Object.keys(inputs.environment), ...Object.keys(locations)]) {
    if (!Object.hasOwn(inputs.credentials, name)) fromSecret.delete(name);
  }
  const runtime = new Set<string>(RUNTIME_VARIABLES);
  for (const name of [...Object.keys(inputs.environment), ...Object.keys(inputs.credentials), ...Object.keys(locations)]) runtime.delete(name);

  const env: Record<string, unknown>[] = [];
  const secretData: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of Object.entries(final)) {
    if (!NAME.test(name)) throw new ConfigError(`step "${step.name}": the variable name ${JSON.stringify(name)} cannot be passed to a Kubernetes container`);
    if (fromSecret.has(name)) {
      const key = `${container}.${++count}`;
      secretData[key] = value;
      env.push({ name, valueFrom: { secretKeyRef: { name: secretName, key } } });
    } else if (runtime.has(name)) {
      env.push({ name, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${ENV_ANNOTATION_PREFIX}${name}']` } } });
    } else {
      env.push({ name, value: value.replaceAll('$(', () => '$$(') });
    }
  }
  return { env, secretData, expected: final };
}

/** The annotations that give a starting step its runtime variables. */
export function runtimeAnnotations(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of RUNTIME_VARIABLES) out[`${ENV_ANNOTATION_PREFIX}${name}`] = env[name] ?? '';
  return out;
}

/** Variables of the final environment the container does not get as they are (for a warning). */
export function undelivered(expected: Readonly<Record<string, string>>, final: Readonly<Record<string, string>>): string[] {
  const runtime = new Set<string>(RUNTIME_VARIABLES);
  return Object.keys(final).filter((name) => !runtime.has(name) && expected[name] !== final[name]);
}
