import express, { type Request, type Response, type Router } from 'express';
import {
  API_SCOPES,
  SwitchboardError,
  isE164,
  normalisePhoneNumber,
  type StartVerificationOptions,
  type SwitchboardClient,
  type VerificationSession,
} from '@switchboard/sdk';
import { sameToken } from './csrf.js';
import { KYC_FIELDS, kycView, transferDecisionView } from './anti-fraud-views.js';
import type { Logger } from '../logger.js';
import { errorView, notVerifiedView, verifiedView, type ResultView } from './outcome.js';
import { detailsPage, homePage, resultPage, transferPage } from './pages.js';
import type { DemoSession, SessionCookie, UseCase } from './session-cookie.js';

export interface DemoRoutesDeps {
  readonly client: SwitchboardClient;
  readonly sessions: SessionCookie;
  readonly purpose: string;
  /** Path of REDIRECT_URI, e.g. `/callback`. */
  readonly callbackPath: string;
  readonly logger: Logger;
  /** Milliseconds since the epoch (tests); default Date.now. */
  readonly now?: () => number;
}

interface VerifyForm {
  readonly useCase: UseCase;
  readonly phoneNumber: string;
  readonly askConsent: boolean;
  readonly fields?: Readonly<Record<string, string>>;
}

const PAGES = { login: homePage, transfer: transferPage, details: detailsPage } as const;

/**
 * What each use case asks the user's operator, in one consent and one token: the login
 * verifies the number; the transfer also asks when the SIM last changed (SIM Swap); "Check
 * details" only matches the typed details (KYC Match).
 */
const ASKS: Record<UseCase, Pick<StartVerificationOptions, 'operations' | 'scopes'>> = {
  login: {},
  transfer: { scopes: [API_SCOPES.simSwapRetrieveDate] },
  details: { operations: [], scopes: [API_SCOPES.kycMatch] },
};

/** The pages of the demo: the two use cases, the start of a verification and its callback. */
export function createDemoRoutes(deps: DemoRoutesDeps): Router {
  const router = express.Router();
  const formPage = (useCase: UseCase) => (req: Request, res: Response) => {
    const session = deps.sessions.read(req);
    deps.sessions.write(res, session);
    res.type('html').send(PAGES[useCase]({ csrf: session.csrf }));
  };
  router.get('/', formPage('login'));
  router.get('/transfer', formPage('transfer'));
  router.get('/details', formPage('details'));
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
  const missing = form.useCase === 'details' && !Object.keys(form.fields ?? {}).length;
  if (!isE164(form.phoneNumber) || missing) {
    const error = missing
      ? 'Fill in at least one detail to check.'
      : 'Enter the number with its country code, e.g. +34 600 000 001.';
    const state = {
      csrf: session.csrf,
      phoneNumber: String(body.phoneNumber ?? ''),
      error,
      fields: form.fields,
    };
    return res.status(400).type('html').send(PAGES[form.useCase](state));
  }
  try {
    const started = await deps.client.startVerification({
      purpose: deps.purpose,
      phoneNumber: form.phoneNumber,
      ...ASKS[form.useCase],
      // Silent first (ICM: prompt=none); only an explicit retry lets the operator ask for consent.
      ...(form.askConsent ? {} : { prompt: 'none' }),
    });
    const pending = {
      saved: started.saved,
      phoneNumber: form.phoneNumber,
      useCase: form.useCase,
      ...(form.fields ? { fields: form.fields } : {}),
    };
    deps.sessions.write(res, { ...session, pending });
    res.redirect(303, started.url);
  } catch (err) {
    sendResult(deps, res, session, form, failure(deps, err), 502);
  }
}

async function completeVerification(deps: DemoRoutesDeps, req: Request, res: Response) {
  const session = deps.sessions.read(req);
  const { pending } = session;
  // The pending flow is spent whatever happens: a callback URL cannot be replayed.
  const cleared: DemoSession = { ...session, pending: undefined };
  if (!pending) {
    const view = errorView(new SwitchboardError('NO_PENDING_VERIFICATION', 'nothing started'));
    deps.sessions.write(res, cleared);
    return res
      .status(400)
      .set('cache-control', 'no-store')
      .type('html')
      .send(resultPage(view, undefined));
  }
  const form = {
    useCase: pending.useCase,
    phoneNumber: pending.phoneNumber,
    askConsent: false,
    ...(pending.fields ? { fields: pending.fields } : {}),
  };
  try {
    const grant = await deps.client.completeVerification(req.originalUrl, pending.saved);
    const view = await outcome(deps, grant, form);
    sendResult(deps, res, cleared, form, view, 200);
  } catch (err) {
    sendResult(deps, res, cleared, form, failure(deps, err), 200);
  }
}

/** Asks the user's operator what the use case needs, on the one token, and decides. */
async function outcome(
  deps: DemoRoutesDeps,
  grant: VerificationSession,
  form: VerifyForm,
): Promise<ResultView> {
  const { useCase, phoneNumber } = form;
  if (useCase === 'details') {
    const fields = form.fields ?? {};
    const result = await deps.client.kycMatch(grant, fields);
    deps.logger.info('details checked', { useCase, fields: Object.keys(fields).length });
    return kycView(fields, result);
  }
  // SIM Swap first: the operator may allow one Number Verification call per token.
  const swap = useCase === 'transfer' ? await deps.client.simSwap.retrieveDate(grant) : undefined;
  const verified = await deps.client.verify(grant, phoneNumber);
  deps.logger.info('verification completed', { useCase, verified });
  if (!verified) return notVerifiedView(phoneNumber);
  if (swap) return transferDecisionView(phoneNumber, swap, (deps.now ?? Date.now)());
  return verifiedView(useCase, phoneNumber);
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
  const retry = {
    csrf: session.csrf,
    phoneNumber: form.phoneNumber,
    useCase: form.useCase,
    fields: form.fields,
  };
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
  const useCase: UseCase =
    body.useCase === 'transfer' || body.useCase === 'details' ? body.useCase : 'login';
  const fields = Object.fromEntries(
    KYC_FIELDS.map(([name]) => [name, typeof body[name] === 'string' ? body[name].trim() : ''])
      .filter(([, value]) => value !== '')
      .map(([name, value]) => [name, String(value).slice(0, 200)]),
  );
  return {
    useCase,
    phoneNumber: normalisePhoneNumber(typeof body.phoneNumber === 'string' ? body.phoneNumber : ''),
    askConsent: body.askConsent === 'yes',
    ...(useCase === 'details' ? { fields } : {}),
  };
}
