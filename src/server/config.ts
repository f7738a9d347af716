import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/index.ts';

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
  TRUNKLINE_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  TRUNKLINE_CAPACITY: z.coerce.number().int().min(1).max(256).default(2),
  TRUNKLINE_STEP_TIMEOUT_MINUTES: z.coerce.number().positive().default(60),
  TRUNKLINE_LOG_LIMIT_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
  TRUNKLINE_RUNNER_NAME: z.string().min(1).optional(),
  TRUNKLINE_CONFIG_REPO: z.string().min(1).optional(),
  TRUNKLINE_CONFIG_BRANCH: z.string().min(1).optional(),
  TRUNKLINE_CONFIG_RULES: z.string().min(1).optional(),
  TRUNKLINE_ENVIRONMENTS_REPO: z.string().min(1).default('platform/config'),
  TRUNKLINE_ENVIRONMENTS_BRANCH: z.string().min(1).default('main'),
  TRUNKLINE_CONFIG_EXTENSIONS: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected JSON: {"name": {"endpoint": "https://…", "secret": "…"}}' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), z.object({ endpoint: z.url(), secret: z.string().min(1), timeoutMs: z.number().int().positive().optional() })))
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
  /** Pipelines this server runs at once. */
  capacity: number;
  stepTimeoutMs: number;
  logLimitBytes: number;
  /** Names this process as a job owner; stable across restarts so a restart can tell its orphans. */
  runnerName?: string;
  /**
   * The config repository of environments (`environments.yaml`, service folders):
   * `namespace/name` on the built-in host (created empty when missing), a clone URL or a path.
   */
  environments: { repo: string; branch: string };
  /** Central pipeline configuration; absent: every repository uses its own file. */
  centralConfig?: {
    /** Clone URL or path of the config repository, or `namespace/name` of one on the built-in host. */
    repo?: string;
    branch?: string;
    rulesFile?: string;
    extensions?: Record<string, { endpoint: string; secret: string; timeoutMs?: number }>;
  };
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
    capacity: c.TRUNKLINE_CAPACITY,
    stepTimeoutMs: c.TRUNKLINE_STEP_TIMEOUT_MINUTES * 60_000,
    logLimitBytes: c.TRUNKLINE_LOG_LIMIT_BYTES,
    runnerName: c.TRUNKLINE_RUNNER_NAME,
    environments: { repo: c.TRUNKLINE_ENVIRONMENTS_REPO, branch: c.TRUNKLINE_ENVIRONMENTS_BRANCH },
    centralConfig:
      c.TRUNKLINE_CONFIG_REPO || c.TRUNKLINE_CONFIG_EXTENSIONS
        ? {
            repo: c.TRUNKLINE_CONFIG_REPO,
            branch: c.TRUNKLINE_CONFIG_BRANCH,
            rulesFile: c.TRUNKLINE_CONFIG_RULES,
            extensions: c.TRUNKLINE_CONFIG_EXTENSIONS,
          }
        : undefined,
  };
}
