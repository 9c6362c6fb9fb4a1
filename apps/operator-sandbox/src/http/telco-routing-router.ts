import express, { type Router } from 'express';
import type { RoutingConfig } from '../config.js';

export const TELCO_ROUTING_PATH = '/telco-routing/v1/routing';

/**
 * GSMA OPG.10 telco routing: the rules a telco finder (Switchboard) polls to learn which
 * addresses, MSISDN prefixes and networks this operator serves, and where its API and
 * OpenID provider are. No routing config: an empty table.
 */
export function createTelcoRoutingRouter(info: {
  readonly instanceId: string;
  readonly issuer: string;
  readonly routing: RoutingConfig | undefined;
}): Router {
  const rules = info.routing
    ? [
        {
          ...info.routing,
          static: {
            operatorId: info.instanceId,
            apiRoot: info.issuer,
            authProviderConfiguration: `${info.issuer}/.well-known/openid-configuration`,
          },
        },
      ]
    : [];
  const router = express.Router();
  router.get(TELCO_ROUTING_PATH, (_req, res) => {
    res.set('Cache-Control', 'no-store').json(rules);
  });
  return router;
}
