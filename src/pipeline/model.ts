/**
 * The parsed form of a `.drone.yml`: typed, defaults not yet applied where
 * they depend on the build, strings not yet substituted. Each object keeps
 * `at`, the place of its YAML node, so later checks can point at it.
 */
import type { Diagnostic } from './diagnostic.ts';
import type { PlanKubernetes } from './plan.ts';

/** A path into one YAML document: mapping keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

export interface Site {
  /** 0-based index of the YAML document in the file. */
  doc: number;
  path: YamlPath;
}

/** Where a node is: 1-based line and column plus the readable field path. */
export interface Loc {
  line: number;
  column: number;
  field: string;
}

/** One condition (`branch: …`): include and exclude glob lists; both empty matches everything. */
export interface Condition {
  include: string[];
  exclude: string[];
}

export const conditionKeys = ['branch', 'event', 'ref', 'repo', 'status', 'target', 'action', 'cron', 'instance', 'paths'] as const;
export type ConditionKey = (typeof conditionKeys)[number];

/** `when:` of a step or `trigger:` of a pipeline. Absent keys match everything. */
export type Conditions = Partial<Record<ConditionKey, Condition>>;

/** A plain value or a reference to a secret. */
export type EnvValue = { value: string } | { fromSecret: string };
export type SettingValue = { value: unknown } | { fromSecret: string };

export interface StepVolumeDoc {
  name: string;
  path: string;
}

export interface StepDoc {
  at: Site;
  name: string;
  image?: string;
  commands: string[];
  entrypoint: string[];
  command: string[];
  environment: Record<string, EnvValue>;
  settings: Record<string, SettingValue>;
  when: Conditions;
  /** Undefined when the key is absent (serial mode), possibly empty when present. */
  dependsOn?: string[];
  failure: 'fail' | 'ignore';
  detach: boolean;
  privileged: boolean;
  pull: 'always' | 'never' | 'if-not-exists' | 'default';
  volumes: StepVolumeDoc[];
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  workingDir: string;
  user?: string;
}

export interface VolumeDoc {
  name: string;
  host?: { path: string };
  temp?: { medium?: string };
}

export interface PipelineDoc {
  at: Site;
  name: string;
  type: string;
  dependsOn: string[];
  trigger: Conditions;
  clone: { disable: boolean; depth?: number; skipVerify: boolean; retries?: number };
  workspace: { base?: string; path?: string };
  environment: Record<string, EnvValue>;
  concurrencyLimit?: number;
  node: Record<string, string>;
  platform: { os?: string; arch?: string; variant?: string; version?: string };
  services: StepDoc[];
  volumes: VolumeDoc[];
  steps: StepDoc[];
  imagePullSecrets: string[];
  kubernetes?: PlanKubernetes;
}

/** `kind: secret`: a named secret read from a secret store path or given inline. */
export interface SecretDoc {
  at: Site;
  name: string;
  get?: { path: string; name: string };
  data?: string;
}

export interface ParsedFile {
  file: string;
  pipelines: PipelineDoc[];
  secrets: SecretDoc[];
  /** Syntax and schema problems; semantic checks are added by `lintPipelineFile`. */
  diagnostics: Diagnostic[];
  /** Position of a node (or, with `key`, of its key); falls back to the nearest existing ancestor. */
  locate(site: Site, subpath?: YamlPath, options?: { key?: boolean }): Loc;
}
