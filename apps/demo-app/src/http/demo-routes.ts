import { timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import {
  SwitchboardError,
  isE164,
  normalisePhoneNumber,
  type SwitchboardClient,
} from '@switchboard/sdk';
import type { Logger } from '../logger.js';
import { errorView, notVerifiedView, verifiedView, type ResultView } from './outcome.js';
import { homePage, resultPage, transferPage } from './pages.js';
import type { DemoSession, SessionCookie, UseCase } from './session-cookie.js';

export interface DemoRoutesDeps {
  readonly client: SwitchboardClient;
  readonly sessions: SessionCookie;
  readonly purpose: string;
  /** Path of REDIRECT_URI, e.g. `/callback`. */
  readonly callbackPath: string;
  readonly logger: Logger;
}

interface VerifyForm {
  readonly useCase: UseCase;
  readonly phoneNumber: string;
  readonly askConsent: boolean;
}

/** The pages of the demo: the two use cases, the start of a verification and its callback. */
export function createDemoRoutes(deps: DemoRoutesDeps): Router {
  const router = express.Router();
  const formPage = (useCase: UseCase) => (req: Request, res: Response) => {
    const session = deps.sessions.read(req);
    deps.sessions.write(res, session);
    const page = useCase === 'login' ? homePage : transferPage;
    res.type('html').send(page({ csrf: session.csrf }));
  };
  router.get('/', formPage('login'));
  router.get('/transfer', formPage('transfer'));
  router.post('/verify', express.urlencoded({ extended: false, limit: '4kb' }), (req, res) =>
    startVerification(deps, req, res),
  );
  router.get(deps.callbackPath, (req, res) => completeVerification(deps, req, res));
  return router;
}

async function startVerification(deps: DemoRoutesDeps, req: Request, res: Response) {
  const session = deps.sessions.read(req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (!sameToken(body.csrf, session.csrf)) {
    deps.sessions.write(res, session);
    const view = errorView(new SwitchboardError('CSRF', 'the form expired'));
    return res.status(403).type('html').send(resultPage(view, undefined));
  }
  const form = readForm(body);
  if (!isE164(form.phoneNumber)) {
    const page = form.useCase === 'login' ? homePage : transferPage;
    const error = 'Enter the number with its country code, e.g. +34 600 000 001.';
    const state = { csrf: session.csrf, phoneNumber: String(body.phoneNumber ?? ''), error };
    return res.status(400).type('html').send(page(state));
  }
  try {
    const started = await deps.client.startVerification({
      purpose: deps.purpose,
      phoneNumber: form.phoneNumber,
      // Silent first (ICM: prompt=none); only an explicit retry lets the operator ask for consent.
      ...(form.askConsent ? {} : { prompt: 'none' }),
    });
    const pending = { saved: started.saved, phoneNumber: form.phoneNumber, useCase: form.useCase };
    deps.sessions.write(res, { csrf: session.csrf, pending });
    res.redirect(303, started.url);
  } catch (err) {
    sendResult(deps, res, session, form, failure(deps, err), 502);
  }
}

async function completeVerification(deps: DemoRoutesDeps, req: Request, res: Response) {
  const session = deps.sessions.read(req);
  const { pending } = session;
  // The pending flow is spent whatever happens: a callback URL cannot be replayed.
  const cleared: DemoSession = { csrf: session.csrf };
  if (!pending) {
    const view = errorView(new SwitchboardError('NO_PENDING_VERIFICATION', 'nothing started'));
    deps.sessions.write(res, cleared);
    return res
      .status(400)
      .set('cache-control', 'no-store')
      .type('html')
      .send(resultPage(view, undefined));
  }
  const form = { useCase: pending.useCase, phoneNumber: pending.phoneNumber, askConsent: false };
  try {
    const grant = await deps.client.completeVerification(req.originalUrl, pending.saved);
    const verified = await deps.client.verify(grant, pending.phoneNumber);
    deps.logger.info('verification completed', { useCase: pending.useCase, verified });
    const view = verified
      ? verifiedView(pending.useCase, pending.phoneNumber)
      : notVerifiedView(pending.phoneNumber);
    sendResult(deps, res, cleared, form, view, 200);
  } catch (err) {
    sendResult(deps, res, cleared, form, failure(deps, err), 200);
  }
}

function sendResult(
  deps: DemoRoutesDeps,
  res: Response,
  session: DemoSession,
  form: VerifyForm,
  view: ResultView,
  status: number,
) {
  deps.sessions.write(res, session);
  const retry = { csrf: session.csrf, phoneNumber: form.phoneNumber, useCase: form.useCase };
  res.status(status).set('cache-control', 'no-store').type('html').send(resultPage(view, retry));
}

function failure(deps: DemoRoutesDeps, err: unknown): ResultView {
  const known =
    err instanceof SwitchboardError
      ? err
      : new SwitchboardError('INTERNAL', 'unexpected error', { cause: err });
  // Codes and correlators only: never the number or a token (docs/security.md, "Logs").
  deps.logger.warn('verification failed', { code: known.code, correlator: known.correlator });
  return errorView(known);
}

function readForm(body: Record<string, unknown>): VerifyForm {
  return {
    useCase: body.useCase === 'transfer' ? 'transfer' : 'login',
    phoneNumber: normalisePhoneNumber(typeof body.phoneNumber === 'string' ? body.phoneNumber : ''),
    askConsent: body.askConsent === 'yes',
  };
}

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
