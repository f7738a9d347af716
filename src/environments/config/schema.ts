/**
 * The schema of `environments.yaml`, the file at the root of the config
 * repository that declares where versions go: each environment's kind,
 * cluster, namespace, how versions reach it, which builds it takes, who must
 * approve, when it may change, and (for previews) how branches get their own.
 */
import { Cron } from 'croner';
import { z } from 'zod';

export const environmentKinds = ['preview', 'test', 'staging', 'production'] as const;
export type EnvironmentKind = (typeof environmentKinds)[number];

/**
 * How a version reaches the environment: `pipeline` — a `deploy` step in the
 * build installs or upgrades it (Helm-style); `auto` — the controller syncs
 * each config commit; `manual` — the config commit waits, OutOfSync, until an
 * authorized sync.
 */
export const deployModes = ['pipeline', 'auto', 'manual'] as const;
export type DeployMode = (typeof deployModes)[number];

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a DNS label: lower-case letters, digits and "-", at most 63');
/** `{service}`, `{branch}` and `{env}` are replaced; the rest must already be valid where it is used. */
const pattern = z.string().min(1).regex(/^[^{}]*(\{(service|branch|env)\}[^{}]*)*$/, 'expected text with only {service}, {branch} or {env} placeholders');
const glob = z.string().min(1, 'expected a glob such as "feature-*"');
/** `90s`, `15m`, `8h`, `3d`, or combinations like `1h30m`. */
export const durationText = z.string().regex(/^(\d+[smhd])+$/, 'expected a duration such as 30m, 8h or 3d');
const roleName = z.enum(['viewer', 'developer', 'release-manager', 'admin']);

const accepts = z.strictObject({
  /** Builds of the source repository's default branch. */
  trunk: z.boolean().default(false),
  /** Tag builds whose tag matches, e.g. `v*`: a tag pushed by someone holding an approval role also counts as that approval. */
  tags: glob.optional(),
  /** Branch builds whose branch matches (previews), e.g. `feature-*`. */
  branches: glob.optional(),
});

const approvals = z.strictObject({
  /** Distinct approvals needed before a sync; 0 means none. */
  required: z.number().int().min(0).max(10).default(0),
  /** Roles whose approvals count (the role or higher). */
  roles: z.array(roleName).min(1).default(['release-manager']),
  /** Refuse an approval by anyone who authored a commit in the change. */
  fourEyes: z.boolean().default(false),
});

/** Argo CD's sync-window model: a cron `schedule` opens a window of `duration`. */
const syncWindow = z.strictObject({
  kind: z.enum(['allow', 'deny']),
  schedule: z
    .string()
    .regex(/^\S+( \S+){4}$/, 'expected a 5-field cron expression such as "0 9 * * 1-5"')
    .refine((text) => cronProblem(text) === undefined, { message: 'expected a valid cron expression such as "0 9 * * 1-5"' }),
  duration: durationText,
  timeZone: z
    .string()
    .min(1)
    .refine((zone) => isTimeZone(zone), { message: 'expected an IANA time zone such as "Europe/Berlin" or "UTC"' })
    .default('UTC'),
});

function cronProblem(text: string): string | undefined {
  try {
    new Cron(text, { paused: true });
    return undefined;
  } catch (error) {
    return String(error);
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const preview = z.strictObject({
  /** The environment whose manifests a preview starts from. */
  from: dnsLabel.default('staging'),
  /** A preview with no push for this long is torn down. */
  ttl: durationText.default('72h'),
  /** At most this many previews at once; the next branch waits for a free slot. */
  maxConcurrent: z.number().int().min(1).max(1000).default(10),
  /**
   * A command that provisions the environment instead of a namespace in
   * `cluster` (cluster-per-branch playbooks, vcluster, a cloud API); path in
   * the config repository or absolute. See the provisioner contract.
   */
  provisioner: z.string().min(1).optional(),
});

export const environmentSchema = z
  .strictObject({
    name: dnsLabel,
    kind: z.enum(environmentKinds),
    /** A cluster registered in Trunkline (`POST /api/clusters`); without one, the environment reports that none is connected. */
    cluster: dnsLabel.optional(),
    /** Namespace, or for previews a pattern such as `preview-{branch}`. */
    namespace: pattern.optional(),
    deploy: z.enum(deployModes).optional(),
    prune: z.boolean().default(true),
    selfHeal: z.boolean().optional(),
    accepts: accepts.default({ trunk: false }),
    approvals: approvals.default({ required: 0, roles: ['release-manager'], fourEyes: false }),
    windows: z.array(syncWindow).default([]),
    ingress: z.strictObject({ host: pattern }).optional(),
    preview: preview.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.kind === 'preview' && env.namespace !== undefined && !env.namespace.includes('{branch}')) {
      ctx.addIssue({ code: 'custom', path: ['namespace'], message: 'expected a pattern with {branch}: every preview needs its own namespace' });
    }
    if (env.kind !== 'preview' && env.preview !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['preview'], message: `expected no preview settings on a ${env.kind} environment` });
    }
    if (env.kind === 'preview' && env.accepts.branches === undefined) {
      ctx.addIssue({ code: 'custom', path: ['accepts', 'branches'], message: 'expected the branch pattern that gets previews, e.g. "feature-*"' });
    }
  });

export const environmentsFileSchema = z
  .strictObject({
    environments: z.array(environmentSchema).min(1, 'expected at least one environment'),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.environments.forEach((env, index) => {
      const first = seen.get(env.name);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['environments', index, 'name'], message: `expected a unique name: "${env.name}" is also environments[${first}]` });
      seen.set(env.name, index);
    });
    file.environments.forEach((env, index) => {
      const from = env.preview?.from;
      if (from === undefined) return;
      const source = file.environments.find((e) => e.name === from);
      if (!source) ctx.addIssue({ code: 'custom', path: ['environments', index, 'preview', 'from'], message: `expected the name of an environment in this file, not "${from}"` });
      else if (source.kind === 'preview') ctx.addIssue({ code: 'custom', path: ['environments', index, 'preview', 'from'], message: 'expected a non-preview environment to clone from' });
    });
  });

export type EnvironmentsFileInput = z.input<typeof environmentsFileSchema>;
export type ParsedEnvironment = z.output<typeof environmentSchema>;
