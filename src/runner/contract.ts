import type { z } from 'zod';
import type { Logger } from '../core/index.ts';
import type { PlanPipeline, PlanStep } from '../pipeline/index.ts';

/**
 * A backend runs the steps of one pipeline somewhere: local processes,
 * containers, Kubernetes pods. The scheduler drives it through this
 * lifecycle for every pipeline run:
 *
 *   setup(run) → for each step: start(run, step) → tail(run, step) → wait(run, step)
 *             → destroy(run)
 *
 * Concurrency contract:
 * - `setup` is called once per run, before anything else, and `destroy`
 *   once, last — also when `setup` or a step failed half-way, and after a
 *   cancel. `destroy` must release everything the run created (processes,
 *   folders, containers) and tolerate resources that were never created.
 * - `start`, `tail`, `wait` and `stop` for *different* steps of one run may
 *   be called concurrently (parallel DAG branches); for one step they are
 *   called in that order, `tail` exactly once, before `wait`.
 * - `stop` may be called at any time after `start` (cancel, timeout, end of
 *   a detached step) and more than once; `wait` then resolves promptly.
 * - Nothing is shared between runs: one backend instance serves many runs
 *   at once, each identified by `run.id`.
 */
export interface Backend {
  readonly id: string;
  /** Prepare the run's shared resources (workspace, network, volumes). */
  setup(run: RunSpec): Promise<void>;
  /** Launch a step; resolves once it is running. */
  start(run: RunSpec, step: StepSpec): Promise<void>;
  /** The step's combined stdout and stderr as it is produced; ends when the step's output closes. */
  tail(run: RunSpec, step: StepSpec): AsyncIterable<Uint8Array>;
  /** Resolves when the step has exited. */
  wait(run: RunSpec, step: StepSpec): Promise<StepExit>;
  /** Terminate a started step and everything it spawned. */
  stop(run: RunSpec, step: StepSpec): Promise<void>;
  /** Release everything of the run. */
  destroy(run: RunSpec): Promise<void>;
  /**
   * Release what a run left behind when the process driving it died
   * (crash, SIGKILL) and no state of it is in memory: processes still
   * running, folders, containers. Safe for runs that left nothing.
   */
  reap?(runId: string): Promise<void>;
}

/** One pipeline of one build, as handed to a backend. */
export interface RunSpec {
  /** Unique per run (e.g. the stage id); names resources. */
  id: string;
  pipeline: PlanPipeline;
  /**
   * The repository is trusted (an admin said so): its steps may run
   * privileged and mount host paths. Default false.
   */
  trusted?: boolean;
  /**
   * What the steps' environments are made of, for backends that must fix a
   * step's environment before the step starts (a Kubernetes container's env
   * cannot change once its pod exists). `runPipeline` fills it in.
   */
  inputs?: RunInputs;
}

/** The run-level parts of every step's environment (see `StepSpec.env`). */
export interface RunInputs {
  /** Values for the steps' secret references, by secret name. */
  secrets: Readonly<Record<string, string>>;
  /** Plain variables every step gets from the runner. */
  environment: Readonly<Record<string, string>>;
  /** Masked variables every step gets (the stage's own credentials). */
  credentials: Readonly<Record<string, string>>;
  /** The whole run's time limit. */
  timeoutMs: number;
}

/** One step, with its environment completed at start time. */
export interface StepSpec {
  step: PlanStep;
  /**
   * The final environment: the plan's plus secret values plus the runtime
   * variables only known now (`DRONE_BUILD_STATUS`, `DRONE_STAGE_STATUS`,
   * `DRONE_FAILED_STEPS`…). Backends add their own location variables
   * (`DRONE_WORKSPACE`, `CI_WORKSPACE`).
   */
  env: Record<string, string>;
}

export interface StepExit {
  exitCode: number;
  /** Killed by `stop` (cancel or timeout) rather than exiting by itself. */
  stopped: boolean;
  /** Out of memory, where the backend can tell. */
  oomKilled?: boolean;
}

/**
 * How a backend is made known: one definition object per backend,
 * registered in a plain list (`backends.ts`), no import side effects.
 */
export interface BackendDefinition<Config = unknown> {
  id: string;
  /** Pipeline `type:` values this backend runs. */
  pipelineTypes: readonly string[];
  configSchema: z.ZodType<Config>;
  /**
   * Only used where configuration for it is given (a cluster is not assumed
   * to be there): without it, its pipeline types are not offered at all.
   */
  requiresConfig?: boolean;
  /** Whether it can run on this machine (a CLI present, a cluster reachable), and if not why. */
  isAvailable(config: Config): Promise<{ available: true } | { available: false; reason: string }>;
  create(config: Config, deps: { logger: Logger }): Backend;
}

export function defineBackend<Config>(definition: BackendDefinition<Config>): BackendDefinition<Config> {
  return definition;
}
