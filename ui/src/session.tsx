import { createContext, useContext } from 'react';
import { allowed, type User } from './permissions.ts';

export { allowed, mayApprove, mayChangeEnvironment, roleAtLeast, type EnvironmentRoles, type Role, type User } from './permissions.ts';

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
