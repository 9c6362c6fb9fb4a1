import express, { type ErrorRequestHandler, type Router } from 'express';
import { InputError, NotFoundError } from '@switchboard/telco-finder';
import type { ConsoleData } from '../console-data.js';
import type { ConsoleSessions } from '../console-sessions.js';
import { createConsoleApiRouter } from './console-api-router.js';
import { consoleHeaders } from './console-headers.js';
import { consolePage, createConsoleStatic } from './console-static.js';
import { setSessionCookie } from './session-cookie.js';

export interface ConsoleRouterDeps {
  readonly sessions: ConsoleSessions;
  readonly data: ConsoleData;
  /** SWITCHBOARD_CONSOLE_DIR: the built React app (index.html, assets/). */
  readonly consoleDir: string;
}

/** The web console under `/console` of the admin listener (docs/console.md). */
export function createConsoleRouter(deps: ConsoleRouterDeps): Router {
  const router = express.Router({ strict: true });
  router.use(consoleHeaders);
  router.get('/login', async (req, res) => {
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    const session = /^[A-Za-z0-9_-]{43}$/.test(code)
      ? await deps.sessions.redeemLoginCode(code)
      : undefined;
    if (!session) {
      res
        .status(400)
        .type('html')
        .send(
          consolePage(
            'Sign-in link not valid',
            'this sign-in link is used or expired: run `switchboard console` for a new one, or sign in with the admin token',
          ),
        );
      return;
    }
    setSessionCookie(req, res, session);
    res.redirect(303, '/console/');
  });
  router.use('/api', createConsoleApiRouter(deps));
  router.use(createConsoleStatic(deps.consoleDir));
  router.use(consoleErrors);
  return router;
}

/** Refusals in the console's own shape; anything else goes on to the admin error handler. */
const consoleErrors: ErrorRequestHandler = (err: unknown, req, res, next) => {
  const api = req.originalUrl.startsWith('/console/api/');
  const status =
    err instanceof InputError
      ? 400
      : err instanceof NotFoundError
        ? 404
        : typeof (err as { status?: unknown }).status === 'number'
          ? (err as { status: number }).status
          : 500;
  if (status >= 500 || res.headersSent) return next(err);
  const message = err instanceof Error && status !== 404 ? err.message : 'not found';
  if (api)
    res.status(status).json({ error: status === 404 ? 'not_found' : 'invalid_request', message });
  else
    res
      .status(status)
      .type('html')
      .send(consolePage(status === 404 ? 'Not found' : 'Bad request', message));
};
