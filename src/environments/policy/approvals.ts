/**
 * Counting approvals: one per person, and only from people whose current
 * role is one of the environment's approval roles (or higher). An approval
 * by someone since demoted no longer counts.
 */
import { roles } from '../../access/index.ts';
import type { ApprovalRecord, Role } from '../../store/index.ts';
import type { Environment } from '../config/index.ts';

export interface ApprovalCount {
  required: number;
  /** The approvals that count, oldest first. */
  counted: ApprovalRecord[];
  satisfied: boolean;
}

/** The least role whose holders may approve for the environment. */
export function leastApprovalRole(env: Environment): Role {
  return env.approvals.roles.reduce<Role>((least, role) => (roles.indexOf(role) < roles.indexOf(least) ? role : least), 'admin');
}

export function mayApprove(env: Environment, role: Role): boolean {
  return roles.indexOf(role) >= roles.indexOf(leastApprovalRole(env));
}

export function countApprovals(env: Environment, approvals: readonly ApprovalRecord[], currentRole: (login: string) => Role | undefined): ApprovalCount {
  const seen = new Set<string>();
  const counted: ApprovalRecord[] = [];
  for (const approval of approvals) {
    const login = approval.login.toLowerCase();
    const role = currentRole(approval.login);
    if (seen.has(login) || role === undefined || !mayApprove(env, role)) continue;
    seen.add(login);
    counted.push(approval);
  }
  return { required: env.approvals.required, counted, satisfied: counted.length >= env.approvals.required };
}
