import type { Router } from 'express';
import type { Logger } from '../logger.js';
import type { NetworkIdService } from '../network-id/network-id-service.js';
import { bearerToken, createCamaraApiRouter, jsonBody } from './camara-api-router.js';

/** GSMA OPG.10 Network Id API, mounted at `/network-id`: `POST /v0/resolve-network-id`. */
export function createNetworkIdRouter(deps: {
  readonly service: NetworkIdService;
  readonly logger: Logger;
}): Router {
  return createCamaraApiRouter({
    logger: deps.logger,
    name: 'network id',
    operations: [
      {
        method: 'post',
        path: '/v0/resolve-network-id',
        handle: (req) =>
          deps.service.resolve({ accessToken: bearerToken(req) }, () => jsonBody(req)),
      },
    ],
  });
}
