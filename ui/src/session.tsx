import { createContext, useContext } from 'react';

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
 * Least roles of actions the server may not list in `can` (features built
 * to the environments contract); the server's own answer wins when present.
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
  'environment.approve': 'release-manager',
  'environment.sync': 'developer',
  'environment.sync.production': 'release-manager',
  'environment.rollback': 'developer',
  'environment.rollback.production': 'release-manager',
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

export interface Session {
  user: User;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export function useCan(): (action: string) => boolean {
  const { user } = useSession();
  return (action) => allowed(user, action);
}
