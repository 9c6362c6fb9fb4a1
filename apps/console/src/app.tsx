import { useCallback, useEffect, useState } from 'react';
import { ApiError, request, setCsrfToken } from './api.js';
import { AppsPage } from './pages/apps-page.js';
import { AuditPage } from './pages/audit-page.js';
import { OperatorsPage } from './pages/operators-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { VerificationPage } from './pages/verification-page.js';
import { VerificationsPage } from './pages/verifications-page.js';
import { parseRoute, type Route } from './route.js';
import { Link, useLocation } from './router.js';
import type { SessionInfo } from './types.js';
import { SessionLost } from './use-api.js';

const NAV: ReadonlyArray<{ to: string; label: string; pages: ReadonlyArray<Route['page']> }> = [
  { to: 'overview', label: 'Overview', pages: ['overview'] },
  { to: 'operators', label: 'Operators', pages: ['operators'] },
  { to: 'apps', label: 'Apps', pages: ['apps'] },
  { to: 'audit', label: 'Audit log', pages: ['audit'] },
  { to: 'verifications', label: 'Verification lookup', pages: ['verifications', 'verification'] },
];

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'operators':
      return <OperatorsPage />;
    case 'apps':
      return <AppsPage />;
    case 'audit':
      return <AuditPage />;
    case 'verifications':
      return <VerificationsPage />;
    case 'verification':
      return <VerificationPage id={route.id} />;
    case 'not-found':
      return (
        <p className="error" role="alert" data-testid="not-found">
          No such page.
        </p>
      );
  }
}

type Session = { state: 'checking' } | { state: 'signed-out' } | { state: 'signed-in' };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const { pathname } = useLocation();
  const route = parseRoute(pathname);
  const signedIn = useCallback((info: SessionInfo) => {
    setCsrfToken(info.csrfToken);
    setSession({ state: 'signed-in' });
  }, []);
  const signedOut = useCallback(() => {
    setCsrfToken(null);
    setSession({ state: 'signed-out' });
  }, []);
  useEffect(() => {
    // The cookie (from the token form or a one-time link) is HttpOnly: ask the server.
    request<SessionInfo>('GET', 'session').then(signedIn, (e: unknown) => {
      if (!(e instanceof ApiError) || e.status !== 401) console.error(e);
      signedOut();
    });
  }, [signedIn, signedOut]);
  const signOut = async () => {
    try {
      await request('DELETE', 'session');
    } finally {
      signedOut();
    }
  };
  if (session.state === 'checking') {
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }
  if (session.state === 'signed-out') return <SignInPage onSignedIn={signedIn} />;
  return (
    <SessionLost.Provider value={signedOut}>
      <div className="shell">
        <nav className="nav" aria-label="Console">
          <span className="brand">Switchboard</span>
          {NAV.map((item) => (
            <Link
              key={item.to}
              to={item.to}
              testId={`nav-${item.to}`}
              current={item.pages.includes(route.page)}
            >
              {item.label}
            </Link>
          ))}
          <button type="button" className="sign-out" onClick={signOut} data-testid="sign-out">
            Sign out
          </button>
        </nav>
        <main className="content" data-testid={`page-${route.page}`}>
          <Page route={route} />
        </main>
      </div>
    </SessionLost.Provider>
  );
}
