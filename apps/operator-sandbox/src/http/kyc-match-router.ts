import type { Router } from 'express';
import type { KycMatchService } from '../kyc-match/kyc-match-service.js';
import type { Logger } from '../logger.js';
import { bearerToken, createCamaraApiRouter, jsonBody } from './camara-api-router.js';

export interface KycMatchRouterDeps {
  readonly service: KycMatchService;
  readonly logger: Logger;
}

/**
 * CAMARA KYC Match v0.3.0, mounted at `/kyc-match`: `POST /v0.3/match`. Every answer, errors
 * included, echoes a valid `x-correlator`; a 405 names the allowed method in `Allow`.
 */
export function createKycMatchRouter(deps: KycMatchRouterDeps): Router {
  return createCamaraApiRouter({
    logger: deps.logger,
    name: 'kyc match',
    operations: [
      {
        method: 'post',
        path: '/v0.3/match',
        handle: (req) => deps.service.match(bearerToken(req), () => jsonBody(req)),
      },
    ],
  });
}
