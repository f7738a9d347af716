import { useState } from 'react';
import { ErrorBox } from '../components/feedback.tsx';

export function SignIn({ onSignIn, error }: { onSignIn(token: string): Promise<void>; error: unknown }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <main className="sign-in">
      <h1>Trunkline</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          void onSignIn(token.trim()).finally(() => setBusy(false));
        }}
      >
        <label className="field">
          Access token
          <input type="password" autoComplete="current-password" value={token} required onChange={(event) => setToken(event.target.value)} />
        </label>
        <p className="muted">
          Use a token from <code>trunkline token create</code>, or the admin token in the data folder (<code>admin.token</code>).
        </p>
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy || !token.trim()}>
          Sign in
        </button>
      </form>
    </main>
  );
}
