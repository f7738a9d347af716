import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/index.ts';
import { parseStatsdUrl, type StatsdTagFormat, type StatsdTarget } from '../metrics/index.ts';
import { containerBackend, kubernetesConfigFromEnv } from '../runner/index.ts';
import type { ContainerBackendConfig } from '../runner/index.ts';

/** A variable holding JSON; `example` shows the expected shape in the error. */
const json = (example: string) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: `expected JSON: ${example}` });
      return z.NEVER;
    }
  });

/**
 * Server configuration from environment variables, every one optional: the
 * embedded defaults run everything in one process on 127.0.0.1:8080 with
 * state under ./.trunkline.
 */
const schema = z.object({
  TRUNKLINE_HOST: z.string().min(1).default('127.0.0.1'),
  TRUNKLINE_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  TRUNKLINE_DATA_DIR: z.string().min(1).default('.trunkline'),
  TRUNKLINE_PUBLIC_URL: z.url().optional(),
  TRUNKLINE_SECRET_KEY: z.string().optional(),
  TRUNKLINE_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a Postgres URL: postgres://user:password@host:5432/database')
    .optional(),
  TRUNKLINE_LEADER_RETRY_SECONDS: z.coerce.number().positive().max(3600).default(2),
  TRUNKLINE_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  TRUNKLINE_CAPACITY: z.coerce.number().int().min(0).max(256).default(2),
  TRUNKLINE_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  TRUNKLINE_LOST_STAGES: z.enum(['fail', 'requeue']).default('fail'),
  TRUNKLINE_STEP_TIMEOUT_MINUTES: z.coerce.number().positive().default(60),
  TRUNKLINE_LOG_LIMIT_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
  TRUNKLINE_RUNNER_NAME: z.string().min(1).optional(),
  TRUNKLINE_AUDIT_RETENTION_DAYS: z.coerce.number().int().positive().default(3650),
  TRUNKLINE_CONFIG_REPO: z.string().min(1).optional(),
  TRUNKLINE_CONFIG_BRANCH: z.string().min(1).optional(),
  TRUNKLINE_CONFIG_RULES: z.string().min(1).optional(),
  TRUNKLINE_ENVIRONMENTS_REPO: z.string().min(1).default('platform/config'),
  TRUNKLINE_ENVIRONMENTS_BRANCH: z.string().min(1).default('main'),
  TRUNKLINE_PREVIEW_INTERVAL_SECONDS: z.coerce.number().min(0).default(5),
  TRUNKLINE_PREVIEW_PROVISIONER_TIMEOUT_SECONDS: z.coerce.number().positive().default(600),
  TRUNKLINE_CONFIG_EXTENSIONS: json('{"name": {"endpoint": "https://…", "secret": "…"}}')
    .pipe(z.record(z.string(), z.object({ endpoint: z.url(), secret: z.string().min(1), timeoutMs: z.number().int().positive().optional() })))
    .optional(),
  TRUNKLINE_METRICS: z.enum(['on', 'off']).default('on'),
  TRUNKLINE_METRICS_TOKEN: z.string().min(1).optional(),
  TRUNKLINE_STATSD: z.string().min(1).optional(),
  TRUNKLINE_STATSD_PREFIX: z.string().regex(/^[\w.-]*$/, 'expected letters, digits, _ . -').default('trunkline'),
  TRUNKLINE_STATSD_TAGS: z.enum(['dogstatsd', 'none']).default('dogstatsd'),
  TRUNKLINE_CONTAINER_CONFIG: json('{"engine": "podman", "wrapper": ["…"], "ulimits": ["nofile=20000:20000"]}')
    .pipe(containerBackend.configSchema)
    .optional(),
});

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Base URL for links; derived from host and port when not set. */
  publicUrl?: string;
  /** Secret-encryption key; read from or written to `<dataDir>/secret.key` when not set. */
  secretKey?: string;
  logLevel: string;
  /** Postgres instead of the embedded SQLite file; servers sharing it (and the data folder) are replicas. */
  databaseUrl?: string;
  /** How often a server that does not lead the GitOps controller tries to take the lead. */
  leaderRetryMs: number;
  /** Pipelines this server runs at once; 0 leaves them all to remote runners. */
  capacity: number;
  /** A stage's lease: a runner that does not renew it within this time loses the stage. */
  leaseMs: number;
  /** What happens to the stage of a runner that lost its lease. */
  lostStages: 'fail' | 'requeue';
  stepTimeoutMs: number;
  logLimitBytes: number;
  /** Names this process as a job owner; stable across restarts so a restart can tell its orphans. */
  runnerName?: string;
  /** The config repository holding `environments.yaml` and `environments/<env>/<service>/` (a built-in `namespace/name`, URL or path). */
  environmentsRepo: string;
  environmentsBranch: string;
  /** How often previews are checked for readiness and TTL expiry; 0 turns the check off. */
  previewIntervalMs: number;
  previewProvisionerTimeoutMs: number;
  /** Audit entries older than this are pruned (daily); the chain stays verifiable from the first kept entry. */
  auditRetentionDays: number;
  /** Central pipeline configuration; absent: every repository uses its own file. */
  centralConfig?: {
    /** Clone URL or path of the config repository, or `namespace/name` of one on the built-in host. */
    repo?: string;
    branch?: string;
    rulesFile?: string;
    extensions?: Record<string, { endpoint: string; secret: string; timeoutMs?: number }>;
  };
  metrics: {
    /** Whether `GET /metrics` answers (Prometheus exposition). */
    exporter: boolean;
    /** When set, `/metrics` needs `Authorization: Bearer <token>`. */
    token?: string;
    /** Push to a StatsD/DogStatsD agent over UDP. */
    statsd?: StatsdTarget & { prefix: string; tags: StatsdTagFormat };
  };
  /** The container backend's settings (`type: docker` pipelines); defaults when absent. */
  container?: ContainerBackendConfig;
  /** The kubernetes backend's settings from `TRUNKLINE_KUBERNETES_*` (`type: kubernetes` pipelines); absent: not offered. */
  kubernetes?: Record<string, unknown>;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`, { issues: parsed.error.issues });
  }
  const c = parsed.data;
  return {
    host: c.TRUNKLINE_HOST,
    port: c.TRUNKLINE_PORT,
    dataDir: resolve(c.TRUNKLINE_DATA_DIR),
    publicUrl: c.TRUNKLINE_PUBLIC_URL,
    secretKey: c.TRUNKLINE_SECRET_KEY,
    logLevel: c.TRUNKLINE_LOG_LEVEL,
    databaseUrl: c.TRUNKLINE_DATABASE_URL,
    leaderRetryMs: c.TRUNKLINE_LEADER_RETRY_SECONDS * 1000,
    capacity: c.TRUNKLINE_CAPACITY,
    leaseMs: c.TRUNKLINE_LEASE_SECONDS * 1000,
    lostStages: c.TRUNKLINE_LOST_STAGES,
    stepTimeoutMs: c.TRUNKLINE_STEP_TIMEOUT_MINUTES * 60_000,
    logLimitBytes: c.TRUNKLINE_LOG_LIMIT_BYTES,
    runnerName: c.TRUNKLINE_RUNNER_NAME,
    environmentsRepo: c.TRUNKLINE_ENVIRONMENTS_REPO,
    environmentsBranch: c.TRUNKLINE_ENVIRONMENTS_BRANCH,
    previewIntervalMs: c.TRUNKLINE_PREVIEW_INTERVAL_SECONDS * 1000,
    previewProvisionerTimeoutMs: c.TRUNKLINE_PREVIEW_PROVISIONER_TIMEOUT_SECONDS * 1000,
    auditRetentionDays: c.TRUNKLINE_AUDIT_RETENTION_DAYS,
    centralConfig:
      c.TRUNKLINE_CONFIG_REPO || c.TRUNKLINE_CONFIG_EXTENSIONS
        ? {
            repo: c.TRUNKLINE_CONFIG_REPO,
            branch: c.TRUNKLINE_CONFIG_BRANCH,
            rulesFile: c.TRUNKLINE_CONFIG_RULES,
            extensions: c.TRUNKLINE_CONFIG_EXTENSIONS,
          }
        : undefined,
    metrics: {
      exporter: c.TRUNKLINE_METRICS === 'on',
      token: c.TRUNKLINE_METRICS_TOKEN,
      statsd: c.TRUNKLINE_STATSD ? { ...parseStatsdUrl(c.TRUNKLINE_STATSD), prefix: c.TRUNKLINE_STATSD_PREFIX, tags: c.TRUNKLINE_STATSD_TAGS } : undefined,
    },
    container: c.TRUNKLINE_CONTAINER_CONFIG,
    kubernetes: kubernetesConfigFromEnv(env),
  };
}
