import type { Router } from 'express';
import type { ConsoleSessions } from './console-sessions.js';

export interface ConsoleAdminDeps {
  readonly sessions: Pick<ConsoleSessions, 'createLoginCode'>;
  /** The admin listener's URL, which the link opens (e.g. http://127.0.0.1:3100). */
  readonly adminUrl: string;
}

/**
 * Admin API v1 `POST /console/links`: a one-time console sign-in link (5 minutes, single use),
 * what `switchboard console` and `npm start` print.
 */
export function mountConsoleAdmin(router: Router, deps: ConsoleAdminDeps): void {
  router.post('/console/links', async (_req, res) => {
    const { code, expiresAt } = await deps.sessions.createLoginCode();
    res.status(201).json({
      url: `${deps.adminUrl}/console/login?code=${code}`,
      expiresAt: expiresAt.toISOString(),
    });
  });
}
