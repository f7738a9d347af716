/**
 * The compiled plan: what the runner executes. It is produced by `compile`
 * from a parsed `.drone.yml` and a build context, holds no YAML positions
 * and nothing left to evaluate except each step's run policy (which depends
 * on the outcome of earlier steps) — every other condition is decided here.
 */

/** `type:` of a pipeline; Drone's default is `docker`. */
export type PipelineType = 'exec' | 'docker' | 'kubernetes' | (string & {});

/**
 * When a step (or pipeline) runs, decided once its dependencies are done:
 * - `on-success`: only if nothing has failed so far (Drone's default);
 * - `on-failure`: only if something has failed (`when: {status: [failure]}`);
 * - `always`: in both cases (`status: [success, failure]`);
 * - `never`: its conditions did not match this build; it is skipped.
 */
export type RunPolicy = 'on-success' | 'on-failure' | 'always' | 'never';

/** `failure: ignore` lets a step fail without failing its pipeline. */
export type ErrorPolicy = 'fail' | 'ignore';

/** An environment variable whose value comes from a secret (`from_secret`). */
export interface SecretRef {
  /** Variable name the step sees. */
  env: string;
  /** Secret name to look up. */
  secret: string;
}

export interface PlanVolumeMount {
  name: string;
  path: string;
}

export interface PlanStep {
  name: string;
  /** `clone` is the generated first step; `service` runs detached for the whole pipeline. */
  kind: 'clone' | 'step' | 'service';
  /** Container image; empty for exec pipelines. */
  image: string;
  /** Shell commands run as one `set -e` script; empty means run the image's own entrypoint. */
  commands: string[];
  /** Container entrypoint and command overrides (docker and kubernetes only). */
  entrypoint: string[];
  command: string[];
  /**
   * Every plain environment variable the step gets, fully resolved:
   * `CI_*`/`DRONE_*`, pipeline `environment`, step `environment` and
   * `PLUGIN_*` from `settings`, in that order of precedence (later wins).
   */
  environment: Record<string, string>;
  /** Variables filled from secrets at run time; never stored in the plan. */
  secrets: SecretRef[];
  /** Names of steps in the same pipeline that must finish first (serial order already made explicit). */
  dependsOn: string[];
  runPolicy: RunPolicy;
  /** Why the step is skipped when `runPolicy` is `never` (which condition did not match). */
  skipReason?: string;
  errorPolicy: ErrorPolicy;
  /** Runs in the background; the pipeline does not wait for it and stops it at the end. */
  detach: boolean;
  privileged: boolean;
  pull: 'always' | 'never' | 'if-not-exists' | 'default';
  volumes: PlanVolumeMount[];
  /** Working directory relative to the workspace; empty for the workspace itself. */
  workingDir: string;
  /** Per-step timeout in seconds; undefined means the pipeline's. */
  timeoutSeconds?: number;
  /** Resource hints for container backends, as written in the file. */
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  /** `user:` the container runs as (docker and kubernetes only). */
  user?: string;
}

export interface PlanPipeline {
  name: string;
  type: PipelineType;
  /** Pipelines (by name) in the same plan that must finish first. */
  dependsOn: string[];
  /** From `trigger.status`; `never` when the trigger did not match. */
  runPolicy: RunPolicy;
  skipReason?: string;
  platform: { os: string; arch: string; variant?: string; version?: string };
  /** `node:` labels routing the pipeline to matching runners. */
  node: Record<string, string>;
  /** Where the source is checked out: Drone's `workspace.path`, relative to the build root. */
  workspace: { base: string; path: string };
  clone: { disable: boolean; depth?: number; skipVerify: boolean; retries?: number };
  /** `concurrency.limit`: how many builds may run this pipeline at once (undefined = unlimited). */
  concurrencyLimit?: number;
  /** Pipeline timeout in seconds (undefined = the server's default). */
  timeoutSeconds?: number;
  volumes: { name: string; host?: { path: string }; temp?: { medium?: string } }[];
  /** Secret names holding registry credentials for pulling images (`image_pull_secrets`). */
  imagePullSecrets?: string[];
  /** Pod settings of `type: kubernetes` pipelines (Drone's `metadata`, `node_selector`, `tolerations`, `service_account_name`). */
  kubernetes?: PlanKubernetes;
  /** Detached containers for the whole pipeline (docker and kubernetes). */
  services: PlanStep[];
  /** In execution order; the clone step comes first unless `clone.disable`. */
  steps: PlanStep[];
}

/** A pod toleration, as Kubernetes spells it. */
export interface PlanToleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

/** What a kubernetes pipeline says about its pod; unset parts take the backend's defaults. */
export interface PlanKubernetes {
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  nodeSelector?: Record<string, string>;
  tolerations: PlanToleration[];
  serviceAccountName?: string;
}

export interface Plan {
  /** Topologically ordered: every pipeline comes after all it depends on. */
  pipelines: PlanPipeline[];
}
