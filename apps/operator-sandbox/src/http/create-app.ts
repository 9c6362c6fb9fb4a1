import type { RequestListener } from 'node:http';
import express, { type Express, type Router } from 'express';
import type { Logger } from '../logger.js';
import { securityHeaders } from './pages.js';
import { requestLogger } from './request-logger.js';

export interface AppDeps {
  readonly health: Router;
  readonly numberVerification: Router;
  readonly kycMatch: Router;
  readonly locationVerification: Router;
  readonly simSwap: Router;
  /** GSMA OPG.10 Network Id API (number portability). */
  readonly networkId: Router;
  readonly interactions: Router;
  readonly consents: Router;
  readonly telcoRouting: Router;
  /** The TS.43-style entitlement service (`/ts43/v1/…`): temp_tokens for operator tokens. */
  readonly entitlement: Router;
  /** POST /token (JWT-bearer grant) and POST /backchannel in front of the provider. */
  readonly backendEndpoints: Router;
  /** oidc-provider: discovery, JWKS, /auth, /token, /token/revocation… */
  readonly authorizationServer: RequestListener;
  readonly logger: Logger;
}

/** The operator platform on one origin: its own routes first, then the authorization server. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Network authentication needs the real peer: no proxy headers are trusted here.
  app.set('trust proxy', false);
  app.use(requestLogger(deps.logger));
  app.use(securityHeaders);
  app.use(deps.health);
  app.use(deps.telcoRouting);
  app.use('/number-verification', deps.numberVerification);
  app.use('/kyc-match', deps.kycMatch);
  app.use('/location-verification', deps.locationVerification);
  app.use('/sim-swap', deps.simSwap);
  app.use('/network-id', deps.networkId);
  app.use('/ts43', deps.entitlement);
  app.use(deps.interactions);
  app.use(deps.consents);
  app.use(deps.backendEndpoints);
  app.use((req, res) => deps.authorizationServer(req, res));
  return app;
}
