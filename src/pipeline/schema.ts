/**
 * Zod schemas of the `.drone.yml` documents. Every field is optional here
 * (required keys are checked separately so the message can name them) and
 * every schema's error text is the *expected* shape, e.g. `a string or a
 * list of strings`; `describe.ts` adds what was found instead.
 */
import { z } from 'zod';
import type { Condition, EnvValue, SettingValue } from './model.ts';

const str = z.string({ error: 'a string' });
const name = z.string({ error: 'a string' }).min(1, { error: 'a non-empty string' });
const bool = z.boolean({ error: 'true or false' });
const positiveInt = z.number({ error: 'a positive integer' }).int({ error: 'a positive integer' }).positive({ error: 'a positive integer' });
const nonNegativeInt = z.number({ error: 'a non-negative integer' }).int({ error: 'a non-negative integer' }).nonnegative({ error: 'a non-negative integer' });

/** A list of strings (`commands`, `entrypoint`); numbers and booleans are taken as text, as Drone's YAML decoder does. */
const list = z
  .array(z.union([z.string(), z.number(), z.boolean()], { error: 'a string' }), { error: 'a list of strings' })
  .transform((items) => items.map(String));

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const conditionShape = 'a string, a list of strings or a mapping with include and exclude';

/** A string, a list, `{include, exclude}`, or nothing (matches everything). Unknown keys are reported by the reader. */
export const conditionSchema = z.unknown().transform((v, ctx): Condition => {
  if (v === null) return { include: [], exclude: [] };
  if (typeof v === 'string') return { include: [v], exclude: [] };
  if (isStringList(v)) return { include: v, exclude: [] };
  if (isPlainObject(v)) {
    const out: Condition = { include: [], exclude: [] };
    for (const key of ['include', 'exclude'] as const) {
      const part = v[key];
      if (part === undefined || part === null) continue;
      if (typeof part === 'string') out[key] = [part];
      else if (isStringList(part)) out[key] = part;
      else ctx.addIssue({ code: 'custom', message: 'a string or a list of strings', path: [key] });
    }
    return out;
  }
  ctx.addIssue({ code: 'custom', message: conditionShape });
  return { include: [], exclude: [] };
});

export const conditionsSchema = z.object(
  {
    branch: conditionSchema.optional(),
    event: conditionSchema.optional(),
    ref: conditionSchema.optional(),
    repo: conditionSchema.optional(),
    status: conditionSchema.optional(),
    target: conditionSchema.optional(),
    action: conditionSchema.optional(),
    cron: conditionSchema.optional(),
    instance: conditionSchema.optional(),
    paths: conditionSchema.optional(),
  },
  { error: 'a mapping of conditions' },
);

const envShape = 'a string, a number, a boolean or a mapping with from_secret';

/** Environment values: scalars become strings (`null` an empty one), `{from_secret}` a secret reference. */
const envValue = z.unknown().transform((v, ctx): EnvValue => {
  if (v === null) return { value: '' };
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return { value: String(v) };
  if (isPlainObject(v) && typeof v.from_secret === 'string' && v.from_secret !== '' && Object.keys(v).length === 1) {
    return { fromSecret: v.from_secret };
  }
  ctx.addIssue({ code: 'custom', message: envShape });
  return { value: '' };
});

export const environmentSchema = z.record(z.string(), envValue, { error: 'a mapping of variable names to values' });

const settingValue = z.unknown().transform((v): SettingValue => {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const keys = Object.keys(v);
    const secret = (v as Record<string, unknown>).from_secret;
    if (keys.length === 1 && typeof secret === 'string') return { fromSecret: secret };
  }
  return { value: v };
});

const stringMap = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: 'a string' }), { error: 'a mapping of strings' })
  .transform((m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)])));

const stepVolume = z.object({ name: name.optional(), path: name.optional() }, { error: 'a mapping with name and path' });

export const stepSchema = z.object(
  {
    name: name.optional(),
    image: str.optional(),
    commands: z.union([z.null(), list], { error: 'a list of strings' }).optional(),
    entrypoint: list.optional(),
    command: list.optional(),
    environment: environmentSchema.optional(),
    settings: z.record(z.string(), settingValue, { error: 'a mapping' }).optional(),
    when: conditionsSchema.optional(),
    depends_on: z.array(z.string({ error: 'a step name' }), { error: 'a list of step names' }).optional(),
    failure: z.enum(['ignore', 'fail', ''], { error: '"ignore" or "fail"' }).optional(),
    detach: bool.optional(),
    privileged: bool.optional(),
    pull: z.enum(['always', 'never', 'if-not-exists', 'default', ''], { error: '"always", "never" or "if-not-exists"' }).optional(),
    volumes: z.array(stepVolume, { error: 'a list of volume mounts' }).optional(),
    resources: z
      .object({ limits: stringMap.optional(), requests: stringMap.optional() }, { error: 'a mapping with limits and requests' })
      .optional(),
    working_dir: str.optional(),
    user: z.union([z.string(), z.number()], { error: 'a string' }).transform(String).optional(),
    shell: z.unknown().optional(),
  },
  { error: 'a mapping' },
);

const volume = z.object(
  {
    name: name.optional(),
    host: z.object({ path: name.optional() }, { error: 'a mapping with path' }).optional(),
    temp: z.union([z.null(), z.object({ medium: str.optional() })], { error: 'a mapping' }).optional(),
  },
  { error: 'a mapping with name and host or temp' },
);

const toleration = z.object(
  {
    key: str.optional(),
    operator: z.enum(['Exists', 'Equal'], { error: '"Exists" or "Equal"' }).optional(),
    value: str.optional(),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], { error: '"NoSchedule", "PreferNoSchedule" or "NoExecute"' }).optional(),
    toleration_seconds: nonNegativeInt.optional(),
  },
  { error: 'a mapping with key, operator, value and effect' },
);

export const pipelineSchema = z.object(
  {
    kind: str.optional(),
    name: name.optional(),
    type: str.optional(),
    depends_on: z.array(z.string({ error: 'a pipeline name' }), { error: 'a list of pipeline names' }).optional(),
    trigger: conditionsSchema.optional(),
    clone: z
      .object(
        { disable: bool.optional(), depth: positiveInt.optional(), skip_verify: bool.optional(), retries: nonNegativeInt.optional() },
        { error: 'a mapping' },
      )
      .optional(),
    workspace: z.object({ base: str.optional(), path: str.optional() }, { error: 'a mapping with path' }).optional(),
    environment: environmentSchema.optional(),
    concurrency: z.object({ limit: positiveInt.optional() }, { error: 'a mapping with limit' }).optional(),
    node: stringMap.optional(),
    platform: z
      .object({ os: str.optional(), arch: str.optional(), variant: str.optional(), version: z.union([z.string(), z.number()]).transform(String).optional() }, { error: 'a mapping' })
      .optional(),
    // Items are validated one by one (stepSchema) so a bad step keeps its index.
    steps: z.array(z.unknown(), { error: 'a list of steps' }).optional(),
    services: z.array(z.unknown(), { error: 'a list of services' }).optional(),
    volumes: z.array(volume, { error: 'a list of volumes' }).optional(),
    image_pull_secrets: z.array(z.string({ error: 'a secret name' }), { error: 'a list of secret names' }).optional(),
    metadata: z
      .object({ namespace: name.optional(), labels: stringMap.optional(), annotations: stringMap.optional() }, { error: 'a mapping with namespace, labels and annotations' })
      .optional(),
    node_selector: stringMap.optional(),
    tolerations: z.array(toleration, { error: 'a list of tolerations' }).optional(),
    service_account_name: name.optional(),
  },
  { error: 'a mapping' },
);

export const secretSchema = z.object(
  {
    kind: str.optional(),
    name: name.optional(),
    get: z.object({ path: name.optional(), name: name.optional() }, { error: 'a mapping with path and name' }).optional(),
    data: str.optional(),
  },
  { error: 'a mapping' },
);

/** Keys each mapping knows; anything else is reported as unknown (with a suggestion). */
export const knownKeys = {
  pipeline: ['kind', 'type', 'name', 'depends_on', 'trigger', 'clone', 'workspace', 'environment', 'concurrency', 'node', 'platform', 'services', 'volumes', 'steps', 'image_pull_secrets', 'metadata', 'node_selector', 'tolerations', 'service_account_name'],
  step: ['name', 'image', 'commands', 'entrypoint', 'command', 'environment', 'settings', 'when', 'depends_on', 'failure', 'detach', 'privileged', 'pull', 'volumes', 'resources', 'working_dir', 'user', 'shell'],
  conditions: ['branch', 'event', 'ref', 'repo', 'status', 'target', 'action', 'cron', 'instance', 'paths'],
  clone: ['disable', 'depth', 'skip_verify', 'retries'],
  workspace: ['base', 'path'],
  concurrency: ['limit'],
  platform: ['os', 'arch', 'variant', 'version'],
  volume: ['name', 'host', 'temp'],
  stepVolume: ['name', 'path'],
  resources: ['limits', 'requests'],
  secret: ['kind', 'name', 'get', 'data'],
  metadata: ['namespace', 'labels', 'annotations'],
  toleration: ['key', 'operator', 'value', 'effect', 'toleration_seconds'],
  secretGet: ['path', 'name'],
} as const;

/** Drone keys Trunkline reads but does not act on: reported as ignored, not as typos. */
export const ignoredKeys = {
  pipeline: ['version', 'hmac'],
  step: ['network_mode', 'dns', 'dns_search', 'extra_hosts', 'devices', 'cpu_period', 'cpu_quota', 'cpu_shares', 'cpu_set', 'mem_limit', 'memswap_limit', 'shm_size', 'network', 'ports'],
} as const;
