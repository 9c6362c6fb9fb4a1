import type { Router } from 'express';
import type { Logger } from '../logger.js';
import type { LocationVerificationService } from '../location-verification/location-verification-service.js';
import { bearerToken, createCamaraApiRouter, jsonBody } from './camara-api-router.js';

export interface LocationVerificationRouterDeps {
  readonly service: LocationVerificationService;
  readonly logger: Logger;
}

/**
 * CAMARA Device Location Verification 3.0.0, mounted at `/location-verification`:
 * `POST /v3/verify`. Every answer, errors included, echoes a valid `x-correlator`.
 */
export function createLocationVerificationRouter(deps: LocationVerificationRouterDeps): Router {
  return createCamaraApiRouter({
    logger: deps.logger,
    name: 'location verification',
    operations: [
      {
        method: 'post',
        path: '/v3/verify',
        handle: (req) => deps.service.verify(bearerToken(req), () => jsonBody(req)),
      },
    ],
  });
}
