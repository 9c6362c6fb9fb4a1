import express, { type Request, type Response, type Router } from 'express';
import { SwitchboardError } from '../errors.js';
import { toSwitchboardError } from '../map-error.js';
import { isE164, normalisePhoneNumber } from '../phone-number.js';
import type { NumberVerificationOperation } from '../scope.js';
import type { SwitchboardClient, VerificationSession } from '../switchboard-client.js';
import { createMemoryVerificationStore, type VerificationStore } from './verification-store.js';

export type VerificationOutcome =
  | {
      readonly ok: true;
      readonly session: VerificationSession;
      /** The number the user typed, if any. */
      readonly phoneNumber: string | undefined;
      /** `verify(session, phoneNumber)`, already called when a number was typed. */
      readonly verified: boolean | undefined;
    }
  | { readonly ok: false; readonly error: SwitchboardError };

export interface VerificationRoutesOptions {
  readonly client: SwitchboardClient;
  /** One DPV purpose, e.g. `dpv:FraudPreventionAndDetection`. */
  readonly purpose: string;
  readonly operations?: readonly NumberVerificationOperation[];
  /** Default `none` (silent); a consent-based purpose then needs a retry without it. */
  readonly prompt?: string | undefined;
  /** Default an in-memory store keyed by an HttpOnly cookie. */
  readonly store?: VerificationStore;
  /** Default `/verification/start` (POST, form field `phoneNumber`). */
  readonly startPath?: string;
  /** The path of the redirect URI as this router sees it, e.g. `/callback`. */
  readonly callbackPath: string;
  /** Renders the result: success, not verified, or a typed error. */
  onComplete(outcome: VerificationOutcome, req: Request, res: Response): void | Promise<void>;
}

/**
 * An express router with the two routes of a verification: `POST startPath` redirects the
 * browser to the provider; `GET callbackPath` completes the flow, verifies the typed
 * number and hands the outcome to `onComplete`. Put CSRF protection in front of it.
 */
export function createVerificationRoutes(options: VerificationRoutesOptions): Router {
  const store = options.store ?? createMemoryVerificationStore();
  const router = express.Router();
  router.post(
    options.startPath ?? '/verification/start',
    express.urlencoded({ extended: false, limit: '4kb' }),
    (req, res) => start(options, store, req, res),
  );
  router.get(options.callbackPath, async (req, res) => {
    await options.onComplete(await complete(options.client, store, req, res), req, res);
  });
  return router;
}

async function start(
  options: VerificationRoutesOptions,
  store: VerificationStore,
  req: Request,
  res: Response,
): Promise<void> {
  const typed = typeof req.body?.phoneNumber === 'string' ? req.body.phoneNumber : '';
  const phoneNumber = typed ? normalisePhoneNumber(typed) : undefined;
  if (phoneNumber !== undefined && !isE164(phoneNumber)) {
    const error = new SwitchboardError('INVALID_PHONE_NUMBER', 'not an E.164 number');
    return options.onComplete({ ok: false, error }, req, res);
  }
  try {
    const started = await options.client.startVerification({
      purpose: options.purpose,
      prompt: options.prompt ?? 'none',
      ...(phoneNumber ? { phoneNumber } : {}),
      ...(options.operations ? { operations: options.operations } : {}),
    });
    await store.save(req, res, { saved: started.saved, phoneNumber });
    res.redirect(303, started.url);
  } catch (err) {
    await options.onComplete({ ok: false, error: toSwitchboardError(err, 'start') }, req, res);
  }
}

async function complete(
  client: SwitchboardClient,
  store: VerificationStore,
  req: Request,
  res: Response,
): Promise<VerificationOutcome> {
  try {
    const pending = await store.take(req, res);
    if (!pending) {
      throw new SwitchboardError('NO_PENDING_VERIFICATION', 'no verification was started here');
    }
    const session = await client.completeVerification(req.originalUrl, pending.saved);
    const { phoneNumber } = pending;
    const verified = phoneNumber ? await client.verify(session, phoneNumber) : undefined;
    return { ok: true, session, phoneNumber, verified };
  } catch (err) {
    return { ok: false, error: toSwitchboardError(err, 'the callback') };
  }
}
