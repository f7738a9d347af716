/** Who may do what in the UI: the server's `can` answer first, the environment's own roles on top. */

export type Role = 'viewer' | 'developer' | 'release-manager' | 'admin';

export interface User {
  id: string;
  login: string;
  name: string;
  email: string;
  role: Role;
  /** Each action the API knows and whether this user may do it. */
  can?: Record<string, boolean>;
}

const roles: Role[] = ['viewer', 'developer', 'release-manager', 'admin'];

/**
 * Least roles of the server's actions (`src/access/permissions.ts`), for a
 * server that does not list them in `can`; the server's own answer wins.
 */
const fallbackLeastRole: Record<string, Role> = {
  read: 'viewer',
  'build.cancel': 'developer',
  'build.restart': 'developer',
  'build.trigger': 'developer',
  'secret.write': 'developer',
  'token.create': 'viewer',
  'repo.create': 'admin',
  'repo.update': 'admin',
  'user.manage': 'admin',
  'environment.promote': 'developer',
  'environment.approve': 'developer',
  'environment.sync': 'developer',
  'environment.rollback': 'developer',
  'environment.deploy': 'developer',
  'preview.delete': 'developer',
  'audit.read': 'release-manager',
  'notification.manage': 'admin',
};

export function roleAtLeast(role: Role, least: Role): boolean {
  return roles.indexOf(role) >= roles.indexOf(least);
}

/** Whether `user` may do `action`: the server's `can` first, else the role table above. */
export function allowed(user: User, action: string): boolean {
  const answer = user.can?.[action];
  if (answer !== undefined) return answer;
  const least = fallbackLeastRole[action];
  return least !== undefined && roleAtLeast(user.role, least);
}

/** What of an environment decides who may change it (see `GET /api/environments`). */
export interface EnvironmentRoles {
  kind: string;
  /** The least role that may sync, promote or roll back; older servers omit it (release-manager for production). */
  syncRole?: Role;
  approvals?: { roles: Role[] };
}

/** The environment's own sync role on top of the action's role, as the server checks it. */
export function mayChangeEnvironment(user: User, action: 'environment.sync' | 'environment.promote' | 'environment.rollback', env: EnvironmentRoles): boolean {
  const syncRole = env.syncRole ?? (env.kind === 'production' ? 'release-manager' : 'developer');
  return allowed(user, action) && roleAtLeast(user.role, syncRole);
}

/** Approvals count from the environment's approval roles (or higher). */
export function mayApprove(user: User, env: EnvironmentRoles): boolean {
  const least = (env.approvals?.roles ?? ['release-manager']).reduce<Role>((a, b) => (roles.indexOf(b) < roles.indexOf(a) ? b : a), 'admin');
  return allowed(user, 'environment.approve') && roleAtLeast(user.role, least);
}
