import express, { type Request, type Response, type Router } from 'express';
import { isDatabaseUnavailable } from '@switchboard/db';
import type { NestedFlow } from '../flow/nested-flow.js';
import type { BindingCookies } from './binding-cookie.js';
import { errorPage } from '../../infra/http/error-page.js';

export interface FlowRouterDeps {
  readonly flow: NestedFlow;
  /** The binding cookies /auth set when it sent the browser to the operator. */
  readonly bindings: BindingCookies;
  /** The public base URL, to rebuild the callback URL the operator redirected to. */
  readonly publicUrl: string;
}

export const OPERATOR_CALLBACK_PATH = '/operator-callback';

/**
 * The operator's answer (Annex steps 13–17); /auth itself sent the browser there
 * (operator-leg-start.ts). Every dead end is a page, never a hang.
 */
export function createFlowRouter(deps: FlowRouterDeps): Router {
  const router = express.Router();
  const { bindings } = deps;

  router.get(
    OPERATOR_CALLBACK_PATH,
    unavailablePage(async (req, res) => {
      const outcome = await deps.flow.complete(
        new URL(req.originalUrl, deps.publicUrl),
        bindings.presented(req),
      );
      if (outcome.kind === 'unknown-state') return void res.status(400).type('html').send(UNKNOWN);
      bindings.clear(res, outcome.interactionUid);
      if (outcome.kind === 'other-browser')
        return void res.status(400).type('html').send(OTHER_BROWSER);
      redirectOrExpired(res, outcome.url);
    }),
  );
  return router;
}

/** The database is down (directly, or as oidc-provider's `temporarily_unavailable`). */
function isUnavailable(err: unknown): boolean {
  return (
    (err as { error?: unknown } | null)?.error === 'temporarily_unavailable' ||
    isDatabaseUnavailable(err)
  );
}

const UNAVAILABLE = errorPage(
  'temporarily_unavailable',
  'Switchboard cannot complete this sign-in right now. Go back to the app and try again in a minute.',
);

/**
 * Without the database the app's request (and so its redirect URI) cannot be loaded: the
 * browser gets a clear 503 page at once instead of a hang or a generic error.
 */
function unavailablePage(handler: (req: Request, res: Response) => Promise<void>) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      await handler(req, res);
    } catch (err) {
      if (!isUnavailable(err) || res.headersSent) throw err;
      res.status(503).set('retry-after', '30').type('html').send(UNAVAILABLE);
    }
  };
}

const UNKNOWN = errorPage(
  'invalid_request',
  'This sign-in link is unknown, expired or already used. Start again from the app.',
);

// RFC 6749 §10.12: this browser did not start the sign-in; someone may have sent it the link.
const OTHER_BROWSER = errorPage(
  'access_denied',
  'This sign-in was started in another browser, so it was not completed here. If you did not start it, you can ignore this page.',
);

const EXPIRED = errorPage(
  'invalid_request',
  'This sign-in has expired or was started in another browser. Start again from the app.',
);

function redirectOrExpired(res: express.Response, url: string | undefined): void {
  if (url) res.redirect(303, url);
  else res.status(400).type('html').send(EXPIRED);
}
