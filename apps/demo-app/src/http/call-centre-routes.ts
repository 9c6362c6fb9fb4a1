import express, { type Request, type Response, type Router } from 'express';
import {
  API_SCOPES,
  AuthorizationExpiredError,
  SwitchboardError,
  isE164,
  normalisePhoneNumber,
  type SwitchboardClient,
  type VerificationSession,
} from '@switchboard/sdk';
import type { Logger } from '../logger.js';
import { planPoll, SLOW_DOWN_SECONDS } from './call-centre-pace.js';
import {
  CALL_CENTRE_FIELDS,
  CALL_CENTRE_SIM_SWAP_HOURS,
  callCentreErrorView,
  callCentreMessagePage,
  callCentrePage,
  callCentreResultPage,
  callerDetailsView,
  pendingPage,
  simSwapView,
} from './call-centre-views.js';
import { sameToken } from './csrf.js';
import type { CallCentreFlow, DemoSession, SessionCookie } from './session-cookie.js';

/** A call centre checks a caller to prevent fraud (DPV), through CIBA: no browser of theirs. */
export const CALL_CENTRE_PURPOSE = 'dpv:FraudPreventionAndDetection';

export interface CallCentreRoutesDeps {
  /** The backend client (BACKEND_CLIENT_ID); absent: the page says it is not configured. */
  readonly backend: SwitchboardClient | undefined;
  readonly sessions: SessionCookie;
  readonly logger: Logger;
  /** Milliseconds since the epoch (tests); default Date.now. */
  readonly now?: () => number;
}

/** `/call-centre`: the agent's form; `/call-centre/status`: one CIBA poll per visit. */
export function createCallCentreRoutes(deps: CallCentreRoutesDeps): Router {
  const router = express.Router();
  router.get('/call-centre', (req, res) => {
    const session = deps.sessions.read(req);
    deps.sessions.write(res, session);
    res.type('html').send(callCentrePage(deps.backend && { csrf: session.csrf }));
  });
  router.post('/call-centre', express.urlencoded({ extended: false, limit: '4kb' }), (req, res) =>
    startCheck(deps, req, res),
  );
  router.get('/call-centre/status', (req, res) => showStatus(deps, req, res));
  return router;
}

async function startCheck(deps: CallCentreRoutesDeps, req: Request, res: Response) {
  const session = deps.sessions.read(req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  deps.sessions.write(res, session);
  if (!deps.backend) return res.status(503).type('html').send(callCentrePage(undefined));
  if (!sameToken(body.csrf, session.csrf)) {
    const view = callCentreErrorView(new SwitchboardError('CSRF', 'the form expired'));
    return res.status(403).type('html').send(callCentreMessagePage(view));
  }
  const phoneNumber = normalisePhoneNumber(
    typeof body.phoneNumber === 'string' ? body.phoneNumber : '',
  );
  const fields = readFields(body);
  if (!isE164(phoneNumber)) {
    const error = 'Enter the number with its country code, e.g. +34 600 000 001.';
    const state = {
      csrf: session.csrf,
      phoneNumber: String(body.phoneNumber ?? ''),
      error,
      fields,
    };
    return res.status(400).type('html').send(callCentrePage(state));
  }
  const hasFields = Object.keys(fields).length > 0;
  try {
    const started = await deps.backend.backend.start({
      phoneNumber,
      purpose: CALL_CENTRE_PURPOSE,
      scopes: [API_SCOPES.simSwapCheck, ...(hasFields ? [API_SCOPES.kycMatch] : [])],
    });
    const now = (deps.now ?? Date.now)();
    const callCentre: CallCentreFlow = {
      authReqId: started.authReqId,
      interval: started.interval,
      expiresAt: now + started.expiresIn * 1000,
      lastPollAt: now,
      phoneNumber,
      ...(hasFields ? { fields } : {}),
    };
    deps.sessions.write(res, { ...session, callCentre });
    res.redirect(303, '/call-centre/status');
  } catch (err) {
    res
      .status(502)
      .type('html')
      .send(callCentreMessagePage(failure(deps, err)));
  }
}

async function showStatus(deps: CallCentreRoutesDeps, req: Request, res: Response) {
  const session = deps.sessions.read(req);
  const flow = session.callCentre;
  // A login flow under way in the same browser stays.
  const done: DemoSession = { ...session, callCentre: undefined };
  if (!deps.backend || !flow) {
    deps.sessions.write(res, done);
    const err = new SwitchboardError('NO_CALL_CENTRE_CHECK', 'nothing started');
    return res
      .status(400)
      .type('html')
      .send(callCentreMessagePage(callCentreErrorView(err)));
  }
  const now = (deps.now ?? Date.now)();
  const plan = planPoll(flow, now);
  if (plan.kind === 'wait') {
    deps.sessions.write(res, session);
    return res.type('html').send(pendingPage(flow.phoneNumber, plan.seconds));
  }
  if (plan.kind === 'expired') {
    deps.sessions.write(res, done);
    const err = new AuthorizationExpiredError('no answer within expires_in');
    return res.type('html').send(callCentreMessagePage(callCentreErrorView(err)));
  }
  try {
    const polled = await deps.backend.backend.poll(flow.authReqId);
    if (polled.status !== 'authorized') {
      const interval = flow.interval + (polled.status === 'slow_down' ? SLOW_DOWN_SECONDS : 0);
      deps.sessions.write(res, { ...session, callCentre: { ...flow, interval, lastPollAt: now } });
      return res.type('html').send(pendingPage(flow.phoneNumber, interval));
    }
    // The auth_req_id is spent: a reload must not poll it again.
    deps.sessions.write(res, done);
    res.type('html').send(await results(deps, deps.backend, polled.session, flow));
  } catch (err) {
    deps.sessions.write(res, done);
    res.type('html').send(callCentreMessagePage(failure(deps, err)));
  }
}

/** SIM Swap, then KYC Match when the caller gave details, on the one token. */
async function results(
  deps: CallCentreRoutesDeps,
  client: SwitchboardClient,
  grant: VerificationSession,
  flow: CallCentreFlow,
): Promise<string> {
  const swapped = await client.simSwap.check(grant, { maxAge: CALL_CENTRE_SIM_SWAP_HOURS });
  const details = flow.fields ? await matchDetails(deps, client, grant, flow.fields) : undefined;
  deps.logger.info('call-centre check completed', {
    swapped,
    fields: Object.keys(flow.fields ?? {}).length,
  });
  return callCentreResultPage(simSwapView(flow.phoneNumber, swapped), details);
}

/** KYC Match; its failure (e.g. an operator that wants an ID document) keeps SIM Swap's answer. */
async function matchDetails(
  deps: CallCentreRoutesDeps,
  client: SwitchboardClient,
  grant: VerificationSession,
  fields: Readonly<Record<string, string>>,
) {
  try {
    return callerDetailsView(fields, await client.kycMatch(grant, fields));
  } catch (err) {
    return { ...failure(deps, err), title: 'The details could not be checked' };
  }
}

function failure(deps: CallCentreRoutesDeps, err: unknown) {
  const known =
    err instanceof SwitchboardError
      ? err
      : new SwitchboardError('INTERNAL', 'unexpected error', { cause: err });
  // Codes and correlators only: never the number or a token (docs/security.md, "Logs").
  deps.logger.warn('call-centre check failed', { code: known.code, correlator: known.correlator });
  return callCentreErrorView(known);
}

function readFields(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    CALL_CENTRE_FIELDS.map(([name]) => [
      name,
      typeof body[name] === 'string' ? body[name].trim().slice(0, 200) : '',
    ]).filter(([, value]) => value !== ''),
  );
}
