/**
 * The checks in front of every change to an environment, each refusing with
 * a reason: the environment's sync role (403), its approvals, its sync
 * windows and the vulnerability gate (409). Refusals are emitted as
 * `sync.refused` events.
 */
import { ConflictError, ForbiddenError } from '../../core/index.ts';
import { roles } from '../../access/index.ts';
import type { ReleaseVersion } from '../../store/index.ts';
import type { Environment } from '../config/index.ts';
import { countApprovals } from '../policy/approvals.ts';
import type { ApprovalCount } from '../policy/approvals.ts';
import { evaluateWindows } from '../policy/windows.ts';
import type { Actor, EnvironmentDeps } from './deps.ts';

export interface SyncChecks {
  /** Skip the approval check (a rollback restores an approved version). */
  approvals?: boolean;
  override?: { reason: string };
}

function refuse(deps: EnvironmentDeps, env: Environment, service: string, actor: Actor, error: ForbiddenError | ConflictError, version?: string): never {
  deps.events.emit({ kind: 'sync.refused', environment: env.name, service, actor: actor.login, reason: error.message, at: deps.clock.now(), ...(version ? { version } : {}) });
  throw error;
}

export function checkRole(deps: EnvironmentDeps, env: Environment, service: string, actor: Actor): void {
  if (roles.indexOf(actor.role) >= roles.indexOf(env.syncRole)) return;
  refuse(
    deps,
    env,
    service,
    actor,
    new ForbiddenError(`${actor.login} (${actor.role}) may not change ${env.kind} environment "${env.name}": it needs the ${env.syncRole} role or higher`, {
      environment: env.name,
      role: actor.role,
      required: env.syncRole,
    }),
  );
}

export async function approvalsFor(deps: EnvironmentDeps, env: Environment, service: string, version: string): Promise<ApprovalCount> {
  const approvals = await deps.store.approvals.list({ environment: env.name, service, version });
  const current = new Map<string, Awaited<ReturnType<typeof deps.store.users.findByLogin>>>();
  for (const approval of approvals) current.set(approval.login, await deps.store.users.findByLogin(approval.login));
  return countApprovals(env, approvals, (login) => current.get(login)?.role);
}

/** Role, approvals, windows and vulnerability gate for syncing `version` to the environment; returns the approvals that count. */
export async function checkSync(deps: EnvironmentDeps, env: Environment, service: string, actor: Actor, version: ReleaseVersion, checks: SyncChecks = {}): Promise<ApprovalCount | undefined> {
  checkRole(deps, env, service, actor);
  const tag = version.imageTag ?? undefined;
  let approvals: ApprovalCount | undefined;
  if (tag && env.approvals.required > 0) {
    approvals = await approvalsFor(deps, env, service, tag);
    if (!approvals.satisfied && checks.approvals !== false) {
      refuse(
        deps,
        env,
        service,
        actor,
        new ConflictError(`${service} ${tag} needs ${approvals.required} approval(s) for "${env.name}" from ${env.approvals.roles.join(' or ')}; it has ${approvals.counted.length}`, {
          environment: env.name,
          required: approvals.required,
          approvals: approvals.counted.length,
        }),
        tag,
      );
    }
  }
  checkWindowsOpen(deps, env, service, actor, checks.override, tag);
  if (version.imageDigest) {
    const verdict = await deps.store.verdicts.latest(version.imageDigest);
    if (verdict && !verdict.passed) {
      refuse(deps, env, service, actor, new ConflictError(`image ${tag ?? version.imageDigest} (${version.imageDigest}) failed its vulnerability gate: ${verdict.summary}`, { digest: version.imageDigest, verdict: verdict.summary }), tag);
    }
  }
  return approvals;
}

function checkWindowsOpen(deps: EnvironmentDeps, env: Environment, service: string, actor: Actor, override: { reason: string } | undefined, tag: string | undefined): void {
  const verdict = evaluateWindows(env.windows, new Date(deps.clock.now()));
  if (verdict.allowed) return;
  if (!override) {
    refuse(deps, env, service, actor, new ConflictError(`"${env.name}" may not sync now: ${verdict.reason}; a release manager may override with a reason`, { environment: env.name, reason: verdict.reason }), tag);
  }
  if (roles.indexOf(actor.role) < roles.indexOf('release-manager')) {
    refuse(deps, env, service, actor, new ForbiddenError(`${actor.login} (${actor.role}) may not override the sync windows of "${env.name}": it needs the release-manager role or higher`, { environment: env.name }), tag);
  }
  if (override.reason.trim() === '') {
    refuse(deps, env, service, actor, new ConflictError('an override of the sync windows needs a reason'), tag);
  }
  deps.events.emit({ kind: 'window.override', environment: env.name, service, actor: actor.login, reason: override.reason, at: deps.clock.now(), ...(tag ? { version: tag } : {}) });
}
