import type { Request, Router } from 'express';
import type { Knex } from 'knex';
import type { Logger, Operator } from '@switchboard/telco-finder';
import type { SecretBox, TokenKeyring } from '@switchboard/tokens';
import type { BackendClient } from '../clients/client-service.js';
import { createMachineTokenVerifier } from '../clients/machine-token-verifier.js';
import type { RateLimits } from '../infra/rate-limit/rate-limits.js';
import { createCredentialRequest } from './credential-request.js';
import { createCredentialsRouter } from './http-credentials-router.js';
import type { OpenId4VpKeys } from './openid4vp-keys.js';
import { OPENID4VP_SCOPE, openId4VpAudience } from './openid4vp-scope.js';

export interface OpenId4VpApiDeps {
  readonly issuer: string;
  readonly knex: Knex;
  readonly secretBox: SecretBox;
  readonly keys: Pick<OpenId4VpKeys, 'signer'>;
  /** Eligibility of carrier ids: the routing index's active operators offering operator tokens. */
  readonly eligibleOperators: (carrierIds: readonly number[]) => readonly Operator[];
  readonly backendClient: (id: string) => Promise<BackendClient | undefined>;
  readonly tokenKeyring: (kid?: string) => Promise<TokenKeyring>;
  readonly policyUrl: string | undefined;
  readonly logger: Logger;
  readonly limits?: RateLimits;
  readonly sourceIp?: (req: Request) => string | undefined;
}

/**
 * `POST /openid4vp/credentials`, the first of the aggregator's two interfaces of the CAMARA NV
 * "Operator Token Acquisition" guide (the second is the `vp_token:` subject of the JWT-bearer
 * grant, authorize/backend/jwt-bearer.ts). Mount on the public app.
 */
export function createOpenId4VpApi(deps: OpenId4VpApiDeps): Router {
  const requestCredential = createCredentialRequest({
    issuer: deps.issuer,
    knex: deps.knex,
    secretBox: deps.secretBox,
    keys: deps.keys,
    eligibleOperators: deps.eligibleOperators,
    policyUrl: deps.policyUrl,
  });
  return createCredentialsRouter({
    tokens: createMachineTokenVerifier({
      issuer: deps.issuer,
      audience: openId4VpAudience(deps.issuer),
      scope: OPENID4VP_SCOPE,
      tokenKeyring: deps.tokenKeyring,
      isActiveClient: async (id) => (await deps.backendClient(id)) !== undefined,
    }),
    backendClient: deps.backendClient,
    requestCredential,
    logger: deps.logger,
    ...(deps.limits ? { limits: deps.limits } : {}),
    ...(deps.sourceIp ? { sourceIp: deps.sourceIp } : {}),
  });
}
