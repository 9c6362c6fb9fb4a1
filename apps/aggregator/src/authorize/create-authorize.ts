import type { RequestListener } from 'node:http';
import type * as x509 from '@peculiar/x509';
import type { Router } from 'express';
import type { Knex } from 'knex';
import { aggregatorTokenAudience, type SecretBox, type TokenKeyring } from '@switchboard/tokens';
import {
  OPERATOR_STRICT_PROFILE_REFUSAL,
  type Logger,
  type Operator,
  type OperatorCredentials,
  type OperatorService,
  type TelcoFinder,
} from '@switchboard/telco-finder';
import type { AggregatorConfig } from '../config.js';
import type { OperatorEgress } from '../infra/egress/operator-egress.js';
import {
  requestDeviceIp,
  type DeviceIpResolver,
  type DeviceRequest,
} from '../infra/http/device-ip.js';
import { errorPage } from '../infra/http/error-page.js';
import type { RateLimits } from '../infra/rate-limit/rate-limits.js';
import { ttlCached } from '../infra/ttl-cache.js';
import type { BackendClient } from '../clients/client-service.js';
import type { ProviderSecrets } from '../keys/key-service.js';
import { createBackchannelFront } from './backend/backchannel-front.js';
import { createCiba } from './backend/ciba.js';
import { createJwtBearerGrant } from './backend/jwt-bearer.js';
import { createTokenFront } from './backend/token-front.js';
import { createGrantRevocation } from './flow/grant-revocation.js';
import { createNestedFlow } from './flow/nested-flow.js';
import { createOperatorClient, OperatorAuthMethodRefused } from './flow/operator-client.js';
import type { BackendCapabilities } from './flow/operator-backend-client.js';
import { createBindingCookies } from './http/binding-cookie.js';
import { createFlowRouter, OPERATOR_CALLBACK_PATH } from './http/flow-router.js';
import { createOAuthRateLimitRouter } from './http/oauth-rate-limit.js';
import { createOperatorLegStart } from './http/operator-leg-start.js';
import { createOidcProvider, type MachineResource } from './oidc/create-oidc-provider.js';
import type { AuthorizationGateway, StartInteraction } from './oidc/interaction-gateway.js';
import { loadOidcProvider } from './oidc/oidc-provider-module.js';
import { createOperatorGrants } from './operator-grants.js';
import { spendAssertionId } from './store/backchannel-store.js';
import { createFlowStatePools } from './store/ephemeral-pool.js';
import { scheduleSweep } from './flow-state-sweep.js';
import { createOidcModelStore, deleteExpiredFlowState } from './store/oidc-model-store.js';
import { saveOperatorFlow, takeOperatorFlow } from './store/operator-flow-store.js';
import { timedOperatorClient, type OperatorLegSink } from './flow/operator-leg-timing.js';
import { createVpTokenExchange } from './backend/vp-token-exchange.js';
import type { VerificationObserver } from '../verifications/verification-observer.js';

export interface AuthorizeDeps {
  readonly config: Pick<
    AggregatorConfig,
    | 'operatorDiscoveryTtlSeconds'
    | 'operatorTimeoutMs'
    | 'accessTokenMaxTtl'
    | 'backchannel'
    | 'icmStrictProfile'
    | 'flowStateSweepSeconds'
  >;
  readonly issuer: string;
  /** For this feature's own stores (OIDC models, operator flows and grants). */
  readonly knex: Knex;
  readonly secretBox: SecretBox;
  readonly secrets: ProviderSecrets;
  readonly finder: TelcoFinder;
  readonly operators: Pick<OperatorService, 'get' | 'credentials'>;
  readonly clientMetadata: (id: string) => Promise<Record<string, unknown> | undefined>;
  readonly allowedApiScopes: (clientId: string) => Promise<readonly string[]>;
  /** An active backend client (CIBA, JWT-bearer), else undefined. */
  readonly backendClient: (clientId: string) => Promise<BackendClient | undefined>;
  readonly tokenKeyring: () => Promise<TokenKeyring>;
  /** The API a client_credentials client reaches (telco finder or operator API). */
  readonly machineResource: (clientId: string) => Promise<MachineResource>;
  readonly egress: OperatorEgress;
  readonly limits: RateLimits;
  readonly deviceIp: DeviceIpResolver;
  readonly logger: Logger;
  /** Times the nested flow's operator legs for the scorecard (docs/operator-conformance.md). */
  readonly legs?: OperatorLegSink;
  /**
   * The operator-token path's `vp_token:` subjects: the Telephony trust anchors
   * (OPENID4VP_TELEPHONY_TRUST_ANCHORS); undefined refuses every SD-JWT, saying so.
   */
  readonly telephonyTrustAnchors?: readonly x509.X509Certificate[] | undefined;
  /** Each verification step to verification_steps and its trace (issue 17). */
  readonly observer?: VerificationObserver;
}

export interface Authorize {
  /** Public routes in mount order; oidc-provider last, as it answers every path it gets. */
  readonly routes: ReadonlyArray<Router | RequestListener>;
  /** Switchboard's own client-credentials token at an operator (OPG.10 Network Id, telco finder). */
  operatorMachineToken(op: Operator): Promise<{ accessToken: string; expiresIn: number }>;
  /** What an operator's discovery document offers for the backend flows (CIBA, JWT-bearer). */
  backendCapabilities(operatorId: string): Promise<BackendCapabilities>;
  /** Stops the expired-state sweep and closes the ephemeral-write pool. */
  stop(): Promise<void>;
}

/**
 * ICM r4.2 "Client Authentication": under the strict profile an operator still registered
 * with client_secret_basic (from before) is never used; its flows fail saying why.
 */
function profileCredentials(
  operatorId: string,
  credentials: OperatorCredentials,
  strict: boolean,
): OperatorCredentials {
  if (strict && credentials.method === 'client_secret_basic')
    throw new OperatorAuthMethodRefused(
      `operator ${operatorId}: ${OPERATOR_STRICT_PROFILE_REFUSAL}`,
    );
  return credentials;
}

/** An operator change reaches flows in flight within this time (discovery keys on updatedAt). */
const OPERATOR_TTL_MS = 2_000;
/** Seconds an operator round-trip may take, consent page included (the interaction's TTL). */
const OPERATOR_FLOW_TTL = 600;

/**
 * The OIDC provider for apps with the nested operator flow inside it (seed Annex steps
 * 1–23): `/auth` (which sends the browser to the operator), `/operator-callback`, `/token`,
 * discovery and JWKS.
 */
export async function createAuthorize(deps: AuthorizeDeps): Promise<Authorize> {
  const { knex, issuer, logger, limits } = deps;
  const pools = createFlowStatePools(knex);
  const grants = createOperatorGrants({ knex, secretBox: deps.secretBox });
  const operator = ttlCached(OPERATOR_TTL_MS, (id) => deps.operators.get(id));
  const operatorClient = createOperatorClient({
    redirectUri: `${issuer}${OPERATOR_CALLBACK_PATH}`,
    credentials: async (id) =>
      profileCredentials(id, await deps.operators.credentials(id), deps.config.icmStrictProfile),
    discoveryTtlMs: deps.config.operatorDiscoveryTtlSeconds * 1000,
    timeoutMs: deps.config.operatorTimeoutMs,
    egress: deps.egress,
  });
  const audience = aggregatorTokenAudience(issuer);
  // The CIBA hooks make grants through the provider they are part of, and /auth starts the
  // nested flow, which is built on that provider's gateway.
  const late: { gateway?: AuthorizationGateway; startInteraction?: StartInteraction } = {};
  const ciba = createCiba(await loadOidcProvider(), {
    knex,
    finder: deps.finder,
    operator,
    backend: operatorClient.backend,
    secretBox: deps.secretBox,
    grants,
    grantFor: (clientId, accountId, scope) => late.gateway!.grantFor(clientId, accountId, scope),
    pairwiseSecret: deps.secrets.pairwiseSecret,
    minIntervalSeconds: deps.config.backchannel.minIntervalSeconds,
    maxExpiresIn: deps.config.backchannel.maxExpiresSeconds,
    logger,
  });
  const tokenBudget = {
    refusal(clientId: string) {
      const decision = limits.peek('token', { clientId });
      return decision.allowed ? undefined : decision.retryAfterSeconds;
    },
    charge: (clientId: string) => limits.record('token', { clientId }),
  };
  const oidc = await createOidcProvider({
    issuer,
    audience,
    signingJwk: deps.secrets.signingJwk,
    cookieKeys: deps.secrets.cookieKeys,
    store: createOidcModelStore(pools),
    clientMetadata: deps.clientMetadata,
    allowedApiScopes: deps.allowedApiScopes,
    tokenKeyring: deps.tokenKeyring,
    operatorGrants: grants,
    strictProfile: deps.config.icmStrictProfile,
    accessTokenMaxTtl: deps.config.accessTokenMaxTtl,
    machineResource: deps.machineResource,
    errorDocument: errorPage,
    onGrantRevoked: createGrantRevocation({ grants, operator, operatorClient, logger }),
    tokenBudget,
    ciba,
    // The `request:` kind is shared with signed CIBA requests (backchannel-front.ts).
    spendRequestObjectId: (clientId, jti, expiresAt) =>
      spendAssertionId(knex, clientId, `request:${jti}`, expiresAt),
    logger,
    startInteraction: (start) => late.startInteraction!(start),
    ...(deps.observer ? { observer: deps.observer } : {}),
  });
  late.gateway = oidc.interactions;
  const jwtBearer = createJwtBearerGrant({
    issuer,
    tokenEndpoint: `${issuer}/token`,
    audience,
    knex,
    backendClient: deps.backendClient,
    finder: deps.finder,
    backend: operatorClient.backend,
    tokenKeyring: deps.tokenKeyring,
    pairwiseSecret: deps.secrets.pairwiseSecret,
    accessTokenMaxTtl: deps.config.accessTokenMaxTtl,
    logger,
    vpToken: createVpTokenExchange({
      knex,
      secretBox: deps.secretBox,
      finder: deps.finder,
      backend: operatorClient.backend,
      trustAnchors: deps.telephonyTrustAnchors,
      logger,
    }),
  });
  const flow = createNestedFlow({
    finder: deps.finder,
    operator,
    operatorClient: deps.legs ? timedOperatorClient(operatorClient, deps.legs) : operatorClient,
    flows: {
      save: (row) => saveOperatorFlow(pools.ephemeral, row),
      take: (s) => takeOperatorFlow(pools.ephemeral, s),
    },
    grants,
    interactions: oidc.interactions,
    pairwiseSecret: deps.secrets.pairwiseSecret,
    flowTtlSeconds: OPERATOR_FLOW_TTL,
    logger,
    ...(deps.observer ? { observer: deps.observer } : {}),
  });
  const bindings = createBindingCookies(OPERATOR_CALLBACK_PATH, issuer);
  late.startInteraction = createOperatorLegStart({
    flow,
    bindings,
    deviceIp: deps.deviceIp,
    limits,
  });
  const sourceIp = (req: DeviceRequest) => requestDeviceIp(deps.deviceIp, req);
  const sweep = scheduleSweep(
    deps.config.flowStateSweepSeconds,
    () => deleteExpiredFlowState(knex),
    logger,
  );
  return {
    routes: [
      createFlowRouter({ flow, bindings, publicUrl: issuer }),
      createOAuthRateLimitRouter({
        limits,
        sourceIp,
        clientMetadata: deps.clientMetadata,
        issuer,
      }),
      createBackchannelFront({
        issuer,
        endpoint: `${issuer}/bc-authorize`,
        knex,
        backendClient: deps.backendClient,
        oidcHandler: oidc.handler,
      }),
      createTokenFront({ jwtBearer, oidcHandler: oidc.handler, budget: tokenBudget, logger }),
      oidc.handler,
    ],
    operatorMachineToken: (op) => operatorClient.backend.clientCredentials(op),
    backendCapabilities: async (operatorId) =>
      operatorClient.backend.capabilities(await deps.operators.get(operatorId)),
    async stop() {
      sweep.stop();
      await pools.close();
    },
  };
}
