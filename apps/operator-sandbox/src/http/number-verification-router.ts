import { NV_API_VERSIONS } from '@switchboard/camara';
import type { Router } from 'express';
import type { Logger } from '../logger.js';
import type { NumberVerificationService } from '../services/number-verification-service.js';
import { bearerToken, createCamaraApiRouter, jsonBody } from './camara-api-router.js';

export interface NumberVerificationRouterDeps {
  readonly service: NumberVerificationService;
  readonly logger: Logger;
}

/**
 * CAMARA Number Verification, mounted at `/number-verification`: `/v2` is NV 2.1, `/v0`
 * NV 0.3.1. Every answer, errors included, echoes a valid `x-correlator`.
 */
export function createNumberVerificationRouter(deps: NumberVerificationRouterDeps): Router {
  const { service } = deps;
  return createCamaraApiRouter({
    logger: deps.logger,
    name: 'number verification',
    operations: NV_API_VERSIONS.flatMap((version) => [
      {
        method: 'post' as const,
        path: `/${version}/verify`,
        handle: (req) =>
          service.verify({ version, accessToken: bearerToken(req) }, () => jsonBody(req)),
      },
      {
        method: 'get' as const,
        path: `/${version}/device-phone-number`,
        handle: (req) => service.devicePhoneNumber({ version, accessToken: bearerToken(req) }),
      },
    ]),
  });
}
