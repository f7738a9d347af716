import { ForbiddenError } from '../core/index.ts';
import type { Role } from '../store/index.ts';

/** Roles in increasing order of power: each may do what those before it may. */
export const roles: readonly Role[] = ['viewer', 'developer', 'release-manager', 'admin'];

/** Everything a caller may ask for, with the least role that may do it. */
const leastRole = {
  read: 'viewer',
  'build.trigger': 'developer',
  'git.push': 'developer',
  'registry.push': 'developer',
  'registry.delete': 'admin',
  'build.cancel': 'developer',
  'build.restart': 'developer',
  'secret.write': 'developer',
  'token.create': 'viewer',
  'repo.create': 'admin',
  'repo.update': 'admin',
  'user.manage': 'admin',
  'runner.manage': 'admin',
  'notify.manage': 'admin',
  'audit.read': 'release-manager',
  'preview.delete': 'developer',
  // Environments: the environment's own sync role (release-manager for production) is checked on top.
  'environment.promote': 'developer',
  'environment.approve': 'developer',
  'environment.sync': 'developer',
  'environment.rollback': 'developer',
  'environment.deploy': 'developer',
} as const satisfies Record<string, Role>;

export type Action = keyof typeof leastRole;

/** Every action with whether `role` may do it (what a UI needs to hide what it may not do). */
export function capabilities(role: Role): Record<Action, boolean> {
  return Object.fromEntries(Object.keys(leastRole).map((action) => [action, can(role, action as Action)])) as Record<Action, boolean>;
}

export function can(role: Role, action: Action): boolean {
  return roles.indexOf(role) >= roles.indexOf(leastRole[action]);
}

/** Throws `ForbiddenError` saying which role the action needs. */
export function authorize(user: { login: string; role: Role }, action: Action): void {
  if (can(user.role, action)) return;
  throw new ForbiddenError(`${user.login} (${user.role}) may not ${action}: it needs the ${leastRole[action]} role or higher`, {
    action,
    role: user.role,
    required: leastRole[action],
  });
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
