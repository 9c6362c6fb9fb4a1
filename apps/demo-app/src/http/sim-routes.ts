import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import {
  SwitchboardError,
  isE164,
  normalisePhoneNumber,
  type SwitchboardClient,
} from '@switchboard/sdk';
import type { DcqlCredential, Handset } from '@switchboard/handset';
import type { Logger } from '../logger.js';
import { sameToken } from './csrf.js';
import { homePage } from './pages.js';
import type { DemoSession, SessionCookie } from './session-cookie.js';
import type { SimFlow, SimFlowStore } from './sim-flows.js';
import {
  consentSheetPage,
  declinedView,
  simErrorView,
  simNotConfiguredPage,
  simNotVerifiedView,
  simResultPage,
  simStartPage,
  simVerifiedView,
} from './sim-views.js';
import type { ResultView } from './outcome.js';

/**
 * Signing in is identity verification; both sandbox operators answer it without a consent page
 * of their own (sandbox-b needs one for fraud prevention), so the OS consent sheet is the only
 * question the user sees, as on a real phone (guide, Step 1.4).
 */
export const SIM_PURPOSE = 'dpv:IdentityVerification';
/** CAMARA NV 2.1 scopes: a typed number is verified; without one, the operator tells it. */
const NV_VERIFY = 'number-verification:verify';
const NV_DEVICE_PHONE_NUMBER = 'number-verification:device-phone-number:read';

export interface SimPath {
  /** The operator-token path's backend client (client_credentials + JWT-bearer). */
  readonly client: SwitchboardClient;
  /** The simulated phone: Android Telephony and GMS, in this server. */
  readonly handset: Handset;
  readonly flows: SimFlowStore<DcqlCredential>;
}

export interface SimRoutesDeps {
  /** Absent when the SIM path is not configured: the pages say so. */
  readonly sim: SimPath | undefined;
  readonly sessions: SessionCookie;
  readonly logger: Logger;
}

/**
 * "No mobile data? Verify with your SIM": CAMARA NV "Operator Token Acquisition" guide,
 * Steps 1–4, with the demo server playing the phone. `GET /sim` is the path's own page (the
 * sign-in form posts to it too). `POST /sim` asks the aggregator for the
 * credential (Step 1) and has the phone check it; `GET /sim/consent` is the OS consent sheet;
 * `POST /sim/consent` is the user's answer: the phone builds the SD-JWT (Step 2), the app
 * exchanges it (Step 3) and calls Number Verification (Step 4).
 */
export function createSimRoutes(deps: SimRoutesDeps): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  router.get('/sim', (req, res) => {
    const session = deps.sessions.read(req);
    deps.sessions.write(res, session);
    if (!deps.sim) return res.status(503).type('html').send(simNotConfiguredPage());
    res.type('html').send(simStartPage(session.csrf));
  });
  router.post('/sim', form, (req, res) => startSimPath(deps, req, res));
  router.get('/sim/consent', (req, res) => showConsentSheet(deps, req, res));
  router.post('/sim/consent', form, (req, res) => decide(deps, req, res));
  return router;
}

const stale = () =>
  simErrorView(new SwitchboardError('NO_PENDING_VERIFICATION', 'nothing started or used already'));
const csrfFailure = () => simErrorView(new SwitchboardError('CSRF', 'the form expired'));

async function startSimPath(deps: SimRoutesDeps, req: Request, res: Response) {
  const session = deps.sessions.read(req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  deps.sessions.write(res, session);
  const { sim } = deps;
  if (!sim) return res.status(503).type('html').send(simNotConfiguredPage());
  if (!sameToken(body.csrf, session.csrf))
    return res.status(403).type('html').send(simResultPage(csrfFailure()));
  const typed = normalisePhoneNumber(typeof body.phoneNumber === 'string' ? body.phoneNumber : '');
  if (typed !== '' && !isE164(typed)) {
    const error =
      'Enter the number with its country code, e.g. +34 600 000 001, or leave it empty.';
    const state = { csrf: session.csrf, phoneNumber: String(body.phoneNumber ?? ''), error };
    return res.status(400).type('html').send(homePage(state));
  }
  const scope = `${SIM_PURPOSE} ${typed ? NV_VERIFY : NV_DEVICE_PHONE_NUMBER}`;
  // Guide, Step 1.2: an app-generated, single-use nonce; it returns in the Binding JWT.
  const nonce = randomBytes(32).toString('base64url');
  try {
    const credential = await sim.client.operatorToken.credential({
      scope,
      nonce,
      carrierIds: sim.handset.activeCarrierIds(),
      lang: 'en',
    });
    const review = await sim.handset.review(credential, nonce);
    const flow: SimFlow<DcqlCredential> = {
      credential,
      nonce,
      scope,
      phoneNumber: typed || undefined,
      consent: {
        consentText: review.consent.consent_text,
        policyLink: review.consent.policy_link,
        ...(review.consent.policy_text ? { policyText: review.consent.policy_text } : {}),
      },
      sims: review.sims.map(({ slot, label, msisdn }) => ({ slot, label, msisdn })),
    };
    // One flow per browser: starting again forgets the previous one.
    sim.flows.take(session.sim);
    deps.sessions.write(res, { ...session, sim: sim.flows.put(flow) });
    res.redirect(303, '/sim/consent');
  } catch (err) {
    const view = failure(deps, err);
    res
      .status(view.reference === 'carrier_not_supported' ? 200 : 502)
      .type('html')
      .send(simResultPage(view));
  }
}

function showConsentSheet(deps: SimRoutesDeps, req: Request, res: Response) {
  const session = deps.sessions.read(req);
  deps.sessions.write(res, session);
  if (!deps.sim) return res.status(503).type('html').send(simNotConfiguredPage());
  const flow = deps.sim.flows.peek(session.sim);
  if (!flow) return res.status(400).type('html').send(simResultPage(stale()));
  res.type('html').send(consentSheetPage({ csrf: session.csrf, ...flow.consent, sims: flow.sims }));
}

async function decide(deps: SimRoutesDeps, req: Request, res: Response) {
  const session = deps.sessions.read(req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const { sim } = deps;
  if (!sim) {
    deps.sessions.write(res, session);
    return res.status(503).type('html').send(simNotConfiguredPage());
  }
  // A forged answer neither spends nor decides the user's flow.
  if (!sameToken(body.csrf, session.csrf)) {
    deps.sessions.write(res, session);
    return res.status(403).type('html').send(simResultPage(csrfFailure()));
  }
  const done: DemoSession = { ...session, sim: undefined };
  deps.sessions.write(res, done);
  // Single use: whatever the answer, this nonce and credential are spent now.
  const flow = sim.flows.take(session.sim);
  if (!flow) return res.status(400).type('html').send(simResultPage(stale()));
  if (body.decision === 'cancel') {
    deps.logger.info('sim verification declined', {});
    return res.type('html').send(simResultPage(declinedView()));
  }
  const slot = Number(body.slot);
  const chosen = flow.sims.find((s) => s.slot === slot);
  if (body.decision !== 'continue' || !chosen) {
    const view = simErrorView(new SwitchboardError('INVALID_ANSWER', 'no decision or SIM'));
    return res.status(400).type('html').send(simResultPage(view));
  }
  const view = await verifyWithSim(deps, sim, flow, chosen).catch((err) => failure(deps, err));
  res.type('html').send(simResultPage(view));
}

/** Steps 2–4: the phone presents the SD-JWT, the app exchanges it, then Number Verification. */
async function verifyWithSim(
  deps: SimRoutesDeps,
  sim: SimPath,
  flow: SimFlow<DcqlCredential>,
  chosen: SimFlow['sims'][number],
): Promise<ResultView> {
  const sdJwt = await sim.handset.present(flow.credential, flow.nonce, chosen.slot);
  const grant = await sim.client.operatorToken.exchange({ sdJwt, scope: flow.scope });
  const label = `SIM ${chosen.slot + 1}, ${chosen.label}`;
  if (flow.phoneNumber) {
    const verified = await sim.client.verify(grant, flow.phoneNumber);
    deps.logger.info('sim verification completed', { operation: 'verify', verified });
    return verified
      ? simVerifiedView(flow.phoneNumber, label, true)
      : simNotVerifiedView(flow.phoneNumber, label);
  }
  const number = await sim.client.devicePhoneNumber(grant);
  deps.logger.info('sim verification completed', { operation: 'device-phone-number' });
  return simVerifiedView(number, label, false);
}

function failure(deps: SimRoutesDeps, err: unknown): ResultView {
  const view = simErrorView(err);
  // Codes and correlators only: never the number, a token or the SD-JWT (docs/security.md).
  deps.logger.warn('sim verification failed', {
    code: view.reference,
    name: (err as Error | undefined)?.name,
  });
  return view;
}
