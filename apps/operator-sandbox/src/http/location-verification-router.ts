import { camaraError } from '@switchboard/camara';
import express, { type Router } from 'express';
import {
  bearerToken,
  camaraErrorHandler,
  correlate,
  jsonBody,
  negotiate,
} from './number-verification-router.js';
import type { Logger } from '../logger.js';
import type { LocationVerificationService } from '../location-verification/location-verification-service.js';

export interface LocationVerificationRouterDeps {
  readonly service: LocationVerificationService;
  readonly logger: Logger;
}

/**
 * CAMARA Device Location Verification 3.0.0, mounted at `/location-verification`:
 * `POST /v3/verify`. Every answer, errors included, echoes a valid `x-correlator`.
 */
export function createLocationVerificationRouter(deps: LocationVerificationRouterDeps): Router {
  const router = express.Router();
  router.use(correlate(deps.logger), negotiate);
  const raw = express.raw({ type: () => true, limit: '16kb' });
  router.post('/v3/verify', raw, async (req, res) => {
    res.status(200).json(await deps.service.verify(bearerToken(req), () => jsonBody(req)));
  });
  router.all('/v3/verify', (_req, _res, next) => next(camaraError('METHOD_NOT_ALLOWED')));
  router.use((_req, _res, next) => next(camaraError('NOT_FOUND')));
  router.use(camaraErrorHandler);
  return router;
}
