import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Logger } from '@switchboard/telco-finder';
import { toProblem, type Problem } from '../errors/problem.js';
import { errorPage } from './error-page.js';

/** Where a problem is answered; it decides the body's shape, never what the problem means. */
export type Surface = 'admin' | 'camara' | 'page-or-camara';

export interface ProblemReporting {
  readonly logger: Logger;
  /** Names the surface in the log line and the counter (e.g. `operator API`). */
  readonly what: string;
  /** Counts server-side failures (`switchboard_server_errors_total`). */
  readonly countServerError?: (surface: string, code: string) => void;
}

/** `{status, code, message}` (CAMARA Commonalities), plus `details` for the admin API. */
export function problemBody(problem: Problem, surface: Surface) {
  const body = { status: problem.status, code: problem.code, message: problem.publicMessage };
  return surface === 'admin' && problem.details?.length
    ? { ...body, details: problem.details }
    : body;
}

/** The OAuth error a page shows for a problem (RFC 6749 §4.1.2.1 names). */
function pageError(problem: Problem): string {
  if (problem.status === 503 || problem.status === 429) return 'temporarily_unavailable';
  return problem.status >= 500 ? 'server_error' : 'invalid_request';
}

const SERVER_SIDE_PAGE = 'Something went wrong on our side. Go back to the app and try again.';

/**
 * Sends `problem`: its headers, a 401's `WWW-Authenticate`, and the body the surface uses.
 * A browser mid-sign-in (`page-or-camara`, asking for HTML) gets a page it can act on.
 */
export function sendProblem(req: Request, res: Response, problem: Problem, surface: Surface): void {
  if (problem.headers) res.set(problem.headers);
  if (problem.status === 401) res.setHeader('www-authenticate', 'Bearer');
  res.status(problem.status);
  if (surface === 'page-or-camara' && req.accepts(['json', 'html']) === 'html') {
    const description = problem.status >= 500 ? SERVER_SIDE_PAGE : problem.publicMessage;
    return void res.type('html').send(errorPage(pageError(problem), description));
  }
  res.json(problemBody(problem, surface));
}

/** Logs and counts the private part of a server-side failure; the client never sees it. */
export function reportProblem(
  problem: Problem,
  reporting: ProblemReporting,
  context: Record<string, unknown>,
): void {
  if (problem.status < 500) return;
  reporting.logger.error(`${reporting.what} failed`, {
    code: problem.code,
    ...(problem.privateDetail ? { err: problem.privateDetail } : {}),
    ...context,
  });
  reporting.countServerError?.(reporting.what, problem.code);
}

/** The one express error handler: map (toProblem), report, render for the surface. */
export function problemHandler(surface: Surface, reporting: ProblemReporting): ErrorRequestHandler {
  return (err, req, res, next) => {
    const problem = toProblem(err);
    reportProblem(problem, reporting, {
      path: req.path,
      ...(res.locals.correlator ? { correlator: res.locals.correlator } : {}),
    });
    if (res.headersSent) return next(err);
    sendProblem(req, res, problem, surface);
  };
}
