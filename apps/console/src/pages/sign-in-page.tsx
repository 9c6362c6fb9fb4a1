import { useState, type FormEvent } from 'react';
import { ApiError, request } from '../api.js';
import type { SessionInfo } from '../types.js';

/** The admin token form; a one-time link (`switchboard console`) signs in without it. */
export function SignInPage(props: { onSignedIn: (session: SessionInfo) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { csrfToken } = await request<{ csrfToken: string }>('POST', 'session', {
        body: { token },
      });
      setToken('');
      props.onSignedIn({ signedIn: true, csrfToken });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setError('That is not the admin token.');
      else if (e instanceof ApiError && e.status === 429)
        setError('Too many failed attempts: wait a minute and try again.');
      else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in" data-testid="sign-in">
      <h1>Switchboard console</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label>
          Admin token
          <input
            type="password"
            autoComplete="current-password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            required
            data-testid="sign-in-token"
          />
        </label>
        <button type="submit" disabled={busy} data-testid="sign-in-submit">
          Sign in
        </button>
        {error && (
          <p className="error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}
      </form>
      <p className="muted">
        Or run <code>switchboard console</code> and open the one-time link it prints.
      </p>
    </main>
  );
}
