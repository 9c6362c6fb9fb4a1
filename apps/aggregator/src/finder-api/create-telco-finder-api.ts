import type { Request, Router } from 'express';
import type { RateLimits } from '../infra/rate-limit/rate-limits.js';
import type { Logger, RoutingIndex } from '@switchboard/telco-finder';
import type { SwitchboardMetrics } from '../infra/metrics/metrics.js';
import type { ClientService } from '../clients/client-service.js';
import type { KeyService } from '../keys/key-service.js';
import {
  createFinderSearch,
  type NetworkIdResolver,
  type SecondLevelFinder,
} from './finder-search.js';
import { createMachineTokenVerifier } from '../clients/machine-token-verifier.js';
import { createTelcoFinderRouter } from './http-telco-finder-router.js';
import { TELCO_FINDER_SCOPE, telcoFinderAudience } from './telco-finder-scope.js';

export interface TelcoFinderApiDeps {
  readonly issuer: string;
  readonly index: RoutingIndex;
  /** DEEP searches: the Network Id API of the operator holding a number's prefix. */
  readonly networkId: NetworkIdResolver;
  /** Dynamic routing rules: the operator's second-level telco finder. */
  readonly secondLevel: SecondLevelFinder;
  readonly keys: Pick<KeyService, 'tokenKeyring'>;
  readonly clients: Pick<ClientService, 'metadata'>;
  readonly metrics: Pick<SwitchboardMetrics, 'recordFinderLookup'>;
  readonly logger: Logger;
  readonly limits?: RateLimits;
  readonly sourceIp?: (req: Request) => string | undefined;
}

/** The GSMA OPG.10 telco finder API for client-credentials clients; mount on the public app. */
export function createTelcoFinderApi(deps: TelcoFinderApiDeps): Router {
  return createTelcoFinderRouter({
    search: createFinderSearch({
      index: deps.index,
      networkId: deps.networkId,
      secondLevel: deps.secondLevel,
      recordLookup: (result) => deps.metrics.recordFinderLookup(result),
    }),
    tokens: createMachineTokenVerifier({
      issuer: deps.issuer,
      audience: telcoFinderAudience(deps.issuer),
      scope: TELCO_FINDER_SCOPE,
      tokenKeyring: (kid) => deps.keys.tokenKeyring(kid),
      isActiveClient: async (id) => (await deps.clients.metadata(id)) !== undefined,
    }),
    logger: deps.logger,
    ...(deps.limits ? { limits: deps.limits } : {}),
    ...(deps.sourceIp ? { sourceIp: deps.sourceIp } : {}),
  });
}
