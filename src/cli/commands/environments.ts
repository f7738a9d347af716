import type { ApiClient } from '../client.ts';
import { versionPayload } from './release.ts';
import type { VersionOptions } from './release.ts';

interface EnvironmentView {
  name: string;
  kind: string;
  cluster: string | null;
  clusterConnected: boolean;
  message: string | null;
  namespace: string;
  sync: string;
  approvals: { required: number; roles: string[]; fourEyes: boolean };
  windows: unknown[];
}

interface ReleaseView {
  id: string;
  service: string;
  environment: string;
  kind: string;
  version: { imageTag: string | null };
  deployedBy: string;
  deployedAt: string;
  healthy: boolean;
  approvers: { login: string }[];
  commits: unknown[];
}

const path = (env: string, service: string, action: string) => `/api/environments/${encodeURIComponent(env)}/services/${encodeURIComponent(service)}/${action}`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** `trunkline env ls`: the environments, where they deploy, and what a sync needs. */
export async function envListCommand(api: ApiClient): Promise<void> {
  const view = await api.get<{ configRepo: string | null; problems: { file: string; line: number; column: number; field: string; message: string }[]; environments: EnvironmentView[] }>('/api/environments');
  for (const p of view.problems) process.stderr.write(`${p.file}:${p.line}:${p.column}: ${p.field}: ${p.message}\n`);
  const rows = [['NAME', 'KIND', 'CLUSTER', 'NAMESPACE', 'SYNC', 'APPROVALS', 'WINDOWS']];
  for (const e of view.environments) {
    rows.push([e.name, e.kind, `${e.cluster ?? '-'}${e.clusterConnected ? '' : ' (not connected)'}`, e.namespace, e.sync, e.approvals.required > 0 ? `${e.approvals.required} of ${e.approvals.roles.join('/')}${e.approvals.fourEyes ? ', four-eyes' : ''}` : '-', String(e.windows.length)]);
  }
  process.stdout.write(table(rows));
  const notes = new Set(view.environments.filter((e) => e.message).map((e) => e.message!));
  for (const note of notes) process.stdout.write(`note: ${note}\n`);
}

/** `trunkline env matrix`: which version runs where, and what waits. */
export async function envMatrixCommand(api: ApiClient): Promise<void> {
  const matrix = await api.get<{ environments: string[]; services: { service: string; cells: Record<string, { version: { imageTag: string | null } | null; sync: string; health: string; pending: { imageTag: string | null; awaitingApproval: boolean } | null } | null> }[] }>('/api/environments/matrix');
  const rows = [['SERVICE', ...matrix.environments.map((e) => e.toUpperCase())]];
  for (const row of matrix.services) {
    rows.push([
      row.service,
      ...matrix.environments.map((env) => {
        const cell = row.cells[env];
        if (!cell) return '-';
        const running = `${cell.version?.imageTag ?? 'none'} ${cell.sync}/${cell.health}`;
        return cell.pending ? `${running} → ${cell.pending.imageTag}${cell.pending.awaitingApproval ? ' (awaiting approval)' : ''}` : running;
      }),
    ]);
  }
  process.stdout.write(table(rows));
}

export async function promoteCommand(api: ApiClient, service: string, options: { to: string; from?: string; tag?: string; chartVersion?: string; comment?: string }): Promise<void> {
  const result = await api.post<{ commit: string | null; pending: boolean }>(path(options.to, service, 'promote'), { from: options.from, imageTag: options.tag, chartVersion: options.chartVersion, comment: options.comment });
  process.stdout.write(`promoted ${service} to ${options.to}${result.commit ? ` (commit ${result.commit.slice(0, 8)})` : ''}${result.pending ? ': waiting for an authorized sync' : ''}\n`);
}

export async function approveCommand(api: ApiClient, service: string, options: { env: string; message: string }): Promise<void> {
  const result = await api.post<{ version: string; approvals: number; required: number }>(path(options.env, service, 'approvals'), { comment: options.message });
  process.stdout.write(`approved ${service} ${result.version} for ${options.env} (${result.approvals} of ${result.required})\n`);
}

export async function envSyncCommand(api: ApiClient, service: string, options: { env: string; overrideReason?: string }): Promise<number> {
  const result = await api.post<{ syncId: string; release?: ReleaseView }>(path(options.env, service, 'sync'), options.overrideReason ? { override: { reason: options.overrideReason } } : {});
  if (!result.release) {
    process.stdout.write(`sync ${result.syncId} of ${service} in ${options.env} started\n`);
    return 0;
  }
  process.stdout.write(`${service} ${result.release.version.imageTag} ${result.release.healthy ? 'deployed, healthy' : 'deployed, NOT healthy'} in ${options.env} (release ${result.release.id})\n`);
  return result.release.healthy ? 0 : 1;
}

export async function envRollbackCommand(api: ApiClient, service: string, options: { env: string; release?: string; comment?: string }): Promise<void> {
  const result = await api.post<{ commit: string | null; syncId: string }>(path(options.env, service, 'rollback'), { release: options.release, comment: options.comment });
  process.stdout.write(`rolled back ${service} in ${options.env}${result.commit ? ` (commit ${result.commit.slice(0, 8)})` : ''}, sync ${result.syncId}\n`);
}

export async function releasesCommand(api: ApiClient, options: { service?: string; env?: string; limit?: number }): Promise<void> {
  const query = new URLSearchParams();
  if (options.service) query.set('service', options.service);
  if (options.env) query.set('environment', options.env);
  if (options.limit) query.set('limit', String(options.limit));
  const releases = await api.get<ReleaseView[]>(`/api/releases?${query}`);
  const rows = [['ID', 'SERVICE', 'ENV', 'KIND', 'VERSION', 'BY', 'AT', 'HEALTHY', 'APPROVERS', 'COMMITS']];
  for (const r of releases) {
    rows.push([r.id, r.service, r.environment, r.kind, r.version.imageTag ?? '-', r.deployedBy, r.deployedAt, r.healthy ? 'yes' : 'no', r.approvers.map((a) => a.login).join(',') || '-', String(r.commits.length)]);
  }
  process.stdout.write(table(rows));
}

/**
 * `trunkline deploy SERVICE --env test`: the pipeline's install-or-upgrade
 * step. Writes this build's version into the environment, syncs it and
 * waits; exits non-zero unless it is healthy (a note, not a failure, when no
 * cluster is connected yet).
 */
export async function deployCommand(api: ApiClient, service: string, options: VersionOptions & { env: string }): Promise<number> {
  const result = await api.post<{ commit: string | null; syncId: string | null; healthy: boolean; message: string }>(path(options.env, service, 'deploy'), versionPayload(service, options));
  process.stdout.write(`${result.message}\n`);
  if (result.syncId === null) return 0;
  return result.healthy ? 0 : 1;
}
