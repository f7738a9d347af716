/**
 * Hand-built plans for the runner's tests (no compiler involved). Holds no
 * tests itself.
 */
import type { PlanPipeline, PlanStep } from '../pipeline/index.ts';

export function step(name: string, commands: string[], extra: Partial<PlanStep> = {}): PlanStep {
  return {
    name,
    kind: 'step',
    image: '',
    commands,
    entrypoint: [],
    command: [],
    environment: {},
    secrets: [],
    dependsOn: [],
    runPolicy: 'on-success',
    errorPolicy: 'fail',
    detach: false,
    privileged: false,
    pull: 'default',
    volumes: [],
    workingDir: '',
    ...extra,
  };
}

export function pipeline(name: string, steps: PlanStep[], extra: Partial<PlanPipeline> = {}): PlanPipeline {
  return {
    name,
    type: 'exec',
    dependsOn: [],
    runPolicy: 'on-success',
    platform: { os: 'linux', arch: 'amd64' },
    node: {},
    workspace: { base: '/drone', path: 'src' },
    clone: { disable: true, skipVerify: false },
    volumes: [],
    services: [],
    steps,
    ...extra,
  };
}

