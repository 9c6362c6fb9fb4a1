import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { InputError } from '@switchboard/telco-finder';
import type { ConsoleData } from '../console-data.js';
import type { ConsoleSession, ConsoleSessions } from '../console-sessions.js';
import { toCsv } from '../usage-csv.js';
import { clearSessionCookie, sessionIdOf, setSessionCookie } from './session-cookie.js';

export interface ConsoleApiDeps {
  readonly sessions: ConsoleSessions;
  readonly data: ConsoleData;
}

const DAY_MS = 86_400_000;
const time = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 time' })
  .transform((t) => new Date(t));
const text = z.string().min(1).max(256);
const limit = z.coerce.number().int().min(1).max(200).default(50);
const window = (defaultMs: number) =>
  z
    .object({ from: time.optional(), to: time.optional() })
    .transform(({ from, to }) => {
      const end = to ?? new Date();
      return { from: from ?? new Date(end.getTime() - defaultMs), to: end };
    })
    .refine((w) => w.from < w.to, 'from must be before to');

const queries = {
  overview: z.object({ hours: z.coerce.number().int().min(1).max(720).default(24) }),
  apps: window(30 * DAY_MS),
  usageCsv: z.object({ clientId: text.optional() }),
  audit: z.object({
    operatorId: text.optional(),
    action: text.optional(),
    actor: text.optional(),
    from: time.optional(),
    to: time.optional(),
    before: z.coerce.number().int().min(1).optional(),
    limit,
  }),
  verifications: z.object({
    correlator: text.optional(),
    outcome: z.enum(['ok', 'error']).optional(),
    limit,
  }),
};

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InputError(`${issue.path.join('.') || 'query'}: ${issue.message}`);
}

/**
 * The query without empty parameters (a form's blank filter means "any"); a repeated parameter
 * (?a=1&a=2) is an array, which the schemas refuse.
 */
const query = (req: Request): Record<string, unknown> =>
  Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== ''));
const sessionOf = (res: Response) => res.locals.session as ConsoleSession;

/**
 * `/console/api`: sign-in, then the pages' data. Every route but the sign-in needs the session
 * cookie; every change (not GET) also needs its CSRF token in `x-csrf-token`.
 */
export function createConsoleApiRouter(deps: ConsoleApiDeps): Router {
  const router = express.Router();
  router.use(express.json({ limit: '16kb' }));
  router.post('/session', signIn(deps.sessions));
  router.use(requireSession(deps.sessions));
  router.use(requireCsrf(deps.sessions));
  mountSessionRoutes(router, deps.sessions);
  mountDataRoutes(router, deps.data);
  router.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'no such console API' });
  });
  return router;
}

/** `POST /session {"token"}`: a session for the admin token, unless the address is throttled. */
function signIn(sessions: ConsoleSessions): RequestHandler {
  return async (req, res) => {
    const token = (req.body as { token?: unknown } | undefined)?.token;
    const result =
      typeof token === 'string' && token.length <= 512
        ? await sessions.signIn(token, req.socket.remoteAddress ?? 'unknown')
        : ({ kind: 'invalid' } as const);
    if (result.kind === 'throttled') {
      res.set('retry-after', String(result.retryAfterSeconds));
      res
        .status(429)
        .json({ error: 'too_many_attempts', message: 'too many failed sign-ins; try again later' });
      return;
    }
    if (result.kind === 'invalid') {
      res.status(401).json({ error: 'invalid_token', message: 'that is not a valid admin token' });
      return;
    }
    setSessionCookie(req, res, result.session);
    res.json({ csrfToken: result.session.csrfToken });
  };
}

function mountSessionRoutes(router: Router, sessions: ConsoleSessions): void {
  router.get('/session', (_req, res) => {
    res.json({ signedIn: true, csrfToken: sessionOf(res).csrfToken });
  });
  router.delete('/session', async (_req, res) => {
    await sessions.end(sessionOf(res).id);
    clearSessionCookie(res);
    res.status(204).end();
  });
}

function mountDataRoutes(router: Router, data: ConsoleData): void {
  router.get('/overview', async (req, res) => {
    res.json(await data.overview(parse(queries.overview, query(req)).hours));
  });
  router.get('/operators', async (_req, res) => {
    res.json(await data.operators());
  });
  router.get('/apps', async (req, res) => {
    const { from, to } = parse(queries.apps, query(req));
    res.json(await data.apps(from, to));
  });
  router.get('/apps/usage.csv', async (req, res) => {
    const { from, to } = parse(queries.apps, query(req));
    const { clientId } = parse(queries.usageCsv, { clientId: query(req).clientId });
    const day = (d: Date) => d.toISOString().slice(0, 10);
    res.type('text/csv; charset=utf-8');
    res.attachment(`switchboard-usage-${day(from)}-${day(to)}.csv`);
    res.send(toCsv(await data.usage(from, to, clientId)));
  });
  router.get('/audit', async (req, res) => {
    res.json(await data.audit(withoutUndefined(parse(queries.audit, query(req)))));
  });
  router.get('/verifications', async (req, res) => {
    const q = query(req);
    const { correlator, outcome, limit: n } = parse(queries.verifications, q);
    if (correlator !== undefined) {
      res.json(await data.verifications({ correlator, limit: n }));
      return;
    }
    const { from, to } = parse(window(DAY_MS), q);
    res.json(await data.verifications({ from, to, limit: n, ...(outcome ? { outcome } : {}) }));
  });
  router.get('/verifications/:id', async (req, res) => {
    res.json(await data.verification(req.params.id!));
  });
}

function requireSession(sessions: ConsoleSessions): RequestHandler {
  return async (req, res, next) => {
    const id = sessionIdOf(req);
    const session = id === undefined ? undefined : await sessions.resume(id);
    if (!session) {
      res.status(401).json({ error: 'unauthenticated', message: 'sign in first' });
      return;
    }
    res.locals.session = session;
    next();
  };
}

function requireCsrf(sessions: ConsoleSessions): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    if (!sessions.csrfMatches(sessionOf(res), req.get('x-csrf-token'))) {
      res.status(403).json({ error: 'csrf', message: 'missing or wrong x-csrf-token' });
      return;
    }
    next();
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
