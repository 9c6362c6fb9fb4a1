import type { Router } from 'express';
import type { Logger } from '../logger.js';
import type { SimSwapService } from '../simswap/sim-swap-service.js';
import { bearerToken, createCamaraApiRouter, jsonBody } from './camara-api-router.js';

export interface SimSwapRouterDeps {
  readonly service: SimSwapService;
  readonly logger: Logger;
}

/**
 * CAMARA SIM Swap 2.1.0, mounted at `/sim-swap`: `POST /v2/check`, `POST /v2/retrieve-date`.
 * Every answer, errors included, echoes a valid `x-correlator`.
 */
export function createSimSwapRouter(deps: SimSwapRouterDeps): Router {
  return createCamaraApiRouter({
    logger: deps.logger,
    name: 'sim swap',
    operations: [
      {
        method: 'post',
        path: '/v2/check',
        handle: (req) => deps.service.check({ accessToken: bearerToken(req) }, () => jsonBody(req)),
      },
      {
        method: 'post',
        path: '/v2/retrieve-date',
        handle: (req) =>
          deps.service.retrieveDate({ accessToken: bearerToken(req) }, () => jsonBody(req)),
      },
    ],
  });
}
