import express, { type Request, type Router } from 'express';
import type { RateLimits } from '../../infra/rate-limit/rate-limits.js';
import { errorPage } from '../../infra/http/error-page.js';

export interface InteractionRateLimitDeps {
  readonly limits: RateLimits;
  /** The device's address (socket, or X-Forwarded-For from TRUST_PROXY). */
  readonly sourceIp: (req: Request) => string | undefined;
}

/** Where oidc-provider sends the browser (`interactions.url` in create-oidc-provider.ts). */
const INTERACTION_PATH = '/interaction';

/**
 * Per device address, before the flow router: each visit of an interaction starts an operator
 * flow (a database row, a discovery). The app's redirect URI is known only once the
 * interaction is loaded, which is the work being spared, so a refusal is a 429 page with
 * `Retry-After` (docs/adr/0001-rate-limits.md).
 */
export function createInteractionRateLimitRouter(deps: InteractionRateLimitDeps): Router {
  const router = express.Router();
  router.use(INTERACTION_PATH, (req, res, next) => {
    const decision = deps.limits.check('interaction', { ip: deps.sourceIp(req) });
    if (decision.allowed) return next();
    res
      .status(429)
      .set('retry-after', String(decision.retryAfterSeconds))
      .type('html')
      .send(
        errorPage(
          'temporarily_unavailable',
          `Too many sign-in requests from this network; go back to the app and try again in ${decision.retryAfterSeconds} seconds.`,
        ),
      );
  });
  return router;
}
