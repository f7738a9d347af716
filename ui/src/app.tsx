import { useCallback, useEffect, useState } from 'react';
import { ApiError, request, storedToken, storeToken } from './api.ts';
import { Layout } from './components/layout.tsx';
import { SessionContext, type User } from './session.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { Pages } from './pages/index.tsx';

/** Signs in with a stored token (or asks for one), then shows the pages. */
export function App() {
  const [user, setUser] = useState<User | null | undefined>(storedToken() ? undefined : null);
  const [error, setError] = useState<unknown>();

  const fail = useCallback((caught: unknown) => {
    const refused = caught instanceof ApiError && caught.status === 401;
    // Forget the token only when the server refuses it, not when it cannot be reached.
    if (refused) storeToken(null);
    setUser(null);
    setError(refused ? new Error('That token is not valid (unknown, revoked or expired).') : caught);
  }, []);

  const signIn = useCallback(
    (token: string) =>
      request<User>('GET', '/api/user', undefined, token).then((me) => {
        storeToken(token);
        setError(undefined);
        setUser(me);
      }, fail),
    [fail],
  );

  // A token kept from an earlier visit signs in by itself.
  useEffect(() => {
    const token = storedToken();
    if (token) request<User>('GET', '/api/user', undefined, token).then(setUser, fail);
  }, [fail]);

  const signOut = useCallback(() => {
    storeToken(null);
    setUser(null);
  }, []);

  if (user === undefined) return <p className="muted" role="status">Signing in…</p>;
  if (user === null) return <SignIn onSignIn={signIn} error={error} />;
  return (
    <SessionContext.Provider value={{ user, signOut }}>
      <Layout>
        <Pages />
      </Layout>
    </SessionContext.Provider>
  );
}
