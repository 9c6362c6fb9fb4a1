import type { RequestListener } from 'node:http';
import express, { type Router } from 'express';
import { isDatabaseUnavailable } from '@switchboard/db';
import type { Logger } from '@switchboard/telco-finder';
import { JWT_BEARER_GRANT } from '../grant-types.js';
import type { TokenBudget } from '../oidc/token-budget.js';
import { GrantError, type createJwtBearerGrant } from './jwt-bearer.js';
import { readForm, replay } from '../../infra/http/replayable-request.js';

export interface TokenFrontDeps {
  readonly jwtBearer: ReturnType<typeof createJwtBearerGrant>;
  /** oidc-provider, which serves every other grant. */
  readonly oidcHandler: RequestListener;
  readonly budget: TokenBudget;
  readonly logger: Logger;
}

/**
 * The token endpoint's front: the JWT-bearer grant is served here, because its assertion is
 * the client authentication (ICM r4.2 "JWT Bearer Flow") and oidc-provider authenticates every
 * token request before any grant. Any other request goes on to oidc-provider with its body
 * replayed byte for byte, as if it had not been read.
 */
export function createTokenFront(deps: TokenFrontDeps): Router {
  const router = express.Router();
  router.post('/token', async (req, res, next) => {
    if (!req.is('application/x-www-form-urlencoded')) return next();
    const form = await readForm(req);
    if (!form) return sendError(res, UNREADABLE);
    const { raw, params } = form;
    if (params.get('grant_type') !== JWT_BEARER_GRANT)
      return deps.oidcHandler(replay(req, raw), res);
    const named = deps.jwtBearer.claimedClient(params);
    const retryAfter = named ? deps.budget.refusal(named) : undefined;
    if (retryAfter !== undefined) {
      res.set('retry-after', String(retryAfter));
      return sendError(
        res,
        new GrantError(
          'temporarily_unavailable',
          `too many token requests for this client; retry after ${retryAfter} seconds`,
          429,
        ),
      );
    }
    try {
      const { clientId, body } = await deps.jwtBearer.grant(params);
      deps.budget.charge(clientId);
      res.set({ 'cache-control': 'no-store', pragma: 'no-cache' }).json(body);
    } catch (err) {
      if (err instanceof GrantError) return sendError(res, err);
      if (isDatabaseUnavailable(err))
        return sendError(
          res,
          new GrantError(
            'temporarily_unavailable',
            'the service is temporarily unavailable; try again shortly',
            503,
          ),
        );
      deps.logger.error('JWT-bearer grant failed', { error: String(err) });
      sendError(res, new GrantError('server_error', 'the request could not be processed', 500));
    }
  });
  return router;
}

/** The body could not be read: too large, or the connection failed. */
export const UNREADABLE = new GrantError('invalid_request', 'the request body could not be read');

export function sendError(res: express.Response, err: GrantError): void {
  res
    .status(err.status)
    .set({ 'cache-control': 'no-store', pragma: 'no-cache' })
    .json({ error: err.error, error_description: err.description });
}
