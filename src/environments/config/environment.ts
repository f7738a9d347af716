/**
 * An environment as the rest of Trunkline sees it: the file's entry with every
 * default that depends on its kind filled in, so callers never re-derive them.
 */
import type { Role } from '../../store/index.ts';
import type { DeployMode, EnvironmentKind, ParsedEnvironment } from './schema.ts';

export interface SyncWindow {
  kind: 'allow' | 'deny';
  /** 5-field cron expression: when the window opens. */
  schedule: string;
  /** How long it stays open, e.g. `8h`. */
  duration: string;
  timeZone: string;
}

export interface PreviewSettings {
  from: string;
  ttlMs: number;
  maxConcurrent: number;
  provisioner: string | null;
}

export interface Environment {
  name: string;
  kind: EnvironmentKind;
  /** Registered cluster name; null: none configured. */
  cluster: string | null;
  /** Namespace, or for previews a pattern with `{branch}`. */
  namespace: string;
  deploy: DeployMode;
  prune: boolean;
  selfHeal: boolean;
  accepts: { trunk: boolean; tags: string | null; branches: string | null };
  approvals: { required: number; roles: Role[]; fourEyes: boolean };
  /** The least role that may sync, promote to or roll back this environment. */
  syncRole: Role;
  windows: SyncWindow[];
  /** Ingress host pattern with `{service}`, `{branch}`, `{env}`; null: none set. */
  ingressHost: string | null;
  /** Set exactly for `kind: preview`. */
  preview: PreviewSettings | null;
}

const deployByKind: Record<EnvironmentKind, DeployMode> = { preview: 'auto', test: 'pipeline', staging: 'auto', production: 'manual' };

export function resolveEnvironment(env: ParsedEnvironment): Environment {
  const deploy = env.deploy ?? deployByKind[env.kind];
  const isPreview = env.kind === 'preview';
  const preview = env.preview ?? (isPreview ? { from: 'staging', ttl: '72h', maxConcurrent: 10 } : undefined);
  return {
    name: env.name,
    kind: env.kind,
    cluster: env.cluster ?? null,
    namespace: env.namespace ?? (isPreview ? `${env.name}-{branch}` : env.name),
    deploy,
    prune: env.prune,
    selfHeal: env.selfHeal ?? deploy !== 'manual',
    accepts: { trunk: env.accepts.trunk, tags: env.accepts.tags ?? null, branches: env.accepts.branches ?? null },
    approvals: { required: env.approvals.required, roles: [...env.approvals.roles], fourEyes: env.approvals.fourEyes },
    syncRole: env.kind === 'production' ? 'release-manager' : 'developer',
    windows: env.windows.map((w) => ({ ...w })),
    ingressHost: env.ingress?.host ?? null,
    preview: preview
      ? { from: preview.from ?? 'staging', ttlMs: durationMs(preview.ttl ?? '72h'), maxConcurrent: preview.maxConcurrent ?? 10, provisioner: preview.provisioner ?? null }
      : null,
  };
}

const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `1h30m` → 5,400,000. The text is already checked by the schema's `durationText`. */
export function durationMs(text: string): number {
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhd])/g)) total += Number(amount) * unitMs[unit as keyof typeof unitMs];
  return total;
}
