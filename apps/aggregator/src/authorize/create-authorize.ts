import { hkdfSync } from 'node:crypto';
import type { Knex } from 'knex';
import { aggregatorTokenAudience, type SecretBox } from '@switchboard/tokens';
import type {
  Logger,
  OperatorRoutes,
  OperatorService,
  RoutingIndex,
} from '@switchboard/telco-finder';
import type { AggregatorConfig } from '../config.js';
import { createNestedFlow } from './flow/nested-flow.js';
import { createGrantRevocation } from './flow/grant-revocation.js';
import { createOperatorClient } from './flow/operator-client.js';
import { createDeviceIpResolver } from '../infra/http/device-ip.js';
import { errorPage } from '../infra/http/error-page.js';
import { createFlowRouter, OPERATOR_CALLBACK_PATH } from './http/flow-router.js';
import type { LateRouter } from '../infra/http/late-router.js';
import type { FrontHandler } from '../infra/http/servers.js';
import { createOidcProvider, type MachineResource } from './oidc/create-oidc-provider.js';
import { createOperatorApi } from '../operator-api/create-operator-api.js';
import {
  OPERATOR_API_SCOPE,
  OPERATOR_API_TOKEN_TTL,
  operatorApiAudience,
} from '../operator-api/operator-api-scope.js';
import type { EndpointValidationDeps } from '../operator-api/endpoint-validation.js';
import type { OperatorEgress } from '../infra/egress/operator-egress.js';
import { createClientService, type ClientService } from '../clients/client-service.js';
import { createKeyService, type KeyService } from '../keys/key-service.js';
import { createOperatorGrants } from './operator-grants.js';
import { createMasterKeyRotation, type MasterKeyRotation } from '../keys/master-key-rotation.js';
import { ttlCached } from '../infra/ttl-cache.js';
import { deleteExpiredFlowState, createOidcModelStore } from './store/oidc-model-store.js';
import { returnAccessTokenUse, spendAccessToken } from '../proxy/store/access-token-use-store.js';
import { createUsageStore } from '../usage/usage-store.js';
import type { SwitchboardMetrics } from '../infra/metrics/metrics.js';
import { createPublicProxy } from '../proxy/create-public-proxy.js';
import { createTelcoFinderApi } from '../finder-api/create-telco-finder-api.js';
import {
  TELCO_FINDER_SCOPE,
  TELCO_FINDER_TOKEN_TTL,
  telcoFinderAudience,
} from '../finder-api/telco-finder-scope.js';
import { saveOperatorFlow, takeOperatorFlow } from './store/operator-flow-store.js';
import { createInteractionRateLimitRouter } from './http/interaction-rate-limit.js';
import { createOAuthRateLimitRouter } from './http/oauth-rate-limit.js';
import {
  createBucketHasher,
  createRateLimits,
  type RateLimits,
} from '../infra/rate-limit/rate-limits.js';
import { createRateLimitStore } from '../infra/rate-limit/rate-limit-store.js';

export interface CoreServices {
  readonly clients: ClientService;
  readonly keys: KeyService;
  readonly masterKeys: MasterKeyRotation;
}

export interface CoreDeps {
  readonly knex: Knex;
  readonly secretBox: SecretBox;
  readonly index: RoutingIndex;
  readonly operators: OperatorService;
  readonly logger: Logger;
}

/** Admin-side services of the aggregator core; they need no issuer. */
export function createCoreServices(deps: CoreDeps): CoreServices {
  return {
    clients: createClientService({ knex: deps.knex, secretBox: deps.secretBox }),
    keys: createKeyService({ knex: deps.knex, secretBox: deps.secretBox }),
    masterKeys: createMasterKeyRotation({ knex: deps.knex, secretBox: deps.secretBox }),
  };
}

const CLEANUP_MS = 60_000;
/** An operator change reaches flows in flight within this time (discovery keys on updatedAt). */
const OPERATOR_TTL_MS = 2_000;

/** What the operator self-service API needs beyond the core. */
export interface SelfServiceDeps {
  readonly operatorRoutes: OperatorRoutes;
  readonly validation: EndpointValidationDeps;
}

export interface RunningCore {
  /** Writes the proxy's pending usage records now. */
  flushUsage(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The OIDC provider for apps and the nested operator flow (seed Annex steps 1–23),
 * mounted on the public listener once the issuer is known.
 */
export async function startCore(
  config: AggregatorConfig,
  deps: CoreDeps &
    CoreServices & {
      issuer: string;
      mount: LateRouter;
      /** The public listener's front slot (servers.ts), for the CAMARA proxy. */
      attachFront: (front: FrontHandler) => void;
      metrics: SwitchboardMetrics;
      selfService: SelfServiceDeps;
      /** How the flow reaches operators' OIDC endpoints (infra/egress/operator-egress.ts). */
      egress: OperatorEgress;
    },
): Promise<RunningCore> {
  const { knex, logger, issuer } = deps;
  const secrets = await deps.keys.bootstrap();
  const operatorGrants = createOperatorGrants({ knex, secretBox: deps.secretBox });
  const operator = ttlCached(OPERATOR_TTL_MS, (id) => deps.operators.get(id));
  const operatorClient = createOperatorClient({
    redirectUri: `${issuer}${OPERATOR_CALLBACK_PATH}`,
    credentials: (id) => deps.operators.credentials(id),
    discoveryTtlMs: config.operatorDiscoveryTtlSeconds * 1000,
    timeoutMs: config.operatorTimeoutMs,
    egress: deps.egress,
  });
  const limits = startRateLimits(config, knex, secrets.pairwiseSecret, logger);
  const oidc = await createOidcProvider({
    issuer,
    audience: aggregatorTokenAudience(issuer),
    signingJwk: secrets.signingJwk,
    cookieKeys: secrets.cookieKeys,
    store: createOidcModelStore(knex),
    clientMetadata: (id) => deps.clients.metadata(id),
    allowedApiScopes: (id) => deps.clients.allowedScopes(id),
    tokenKeyring: () => deps.keys.tokenKeyring(),
    operatorGrants,
    accessTokenMaxTtl: config.accessTokenMaxTtl,
    machineResource: machineResources(issuer, deps.clients),
    errorDocument: errorPage,
    onGrantRevoked: createGrantRevocation({
      grants: operatorGrants,
      operator,
      operatorClient,
      logger,
    }),
    onTokenIssued: (clientId) => limits.record('token', { clientId }),
    logger,
  });
  const flow = createNestedFlow({
    finder: deps.index,
    operator,
    operatorClient,
    flows: {
      save: (row) => saveOperatorFlow(knex, row),
      take: (s) => takeOperatorFlow(knex, s),
    },
    grants: operatorGrants,
    interactions: oidc.interactions,
    pairwiseSecret: secrets.pairwiseSecret,
    flowTtlSeconds: 600,
    logger,
  });
  const deviceIp = createDeviceIpResolver(config.trustProxy);
  const sourceIp = (req: {
    socket: { remoteAddress?: string | undefined };
    get(h: string): string | undefined;
  }) => deviceIp(req.socket.remoteAddress, req.get('x-forwarded-for'));
  const router = createFlowRouter({
    flow,
    interactions: oidc.interactions,
    deviceIp,
    publicUrl: issuer,
  });
  // Seed Annex steps 24–30: the CAMARA proxy reads the token it minted in step 19.
  const proxy = createPublicProxy(config, {
    issuer,
    keys: deps.keys,
    jtiStore: {
      consume: (jti, exp) => spendAccessToken(knex, jti, exp),
      giveBack: (jti) => returnAccessTokenUse(knex, jti),
    },
    // Only registered api roots are contacted, never one merely carried by a token.
    isRegisteredApiRoot: (operatorId, apiRoot) =>
      deps.index.operator(operatorId)?.apiRoot === apiRoot,
    usageSink: createUsageStore(knex),
    limits,
    metrics: deps.metrics,
    logger,
  });
  const finder = createTelcoFinderApi({ ...deps, issuer, logger, limits, sourceIp });
  const operatorApi = createOperatorApi({ ...deps, ...deps.selfService, issuer, logger });
  const oauthLimits = createOAuthRateLimitRouter({
    limits,
    sourceIp,
    clientMetadata: (id) => deps.clients.metadata(id),
    issuer,
  });
  // The proxy answers on node:http before express; the rest goes through the late router.
  const interactionLimits = createInteractionRateLimitRouter({ limits, sourceIp });
  deps.mount.attach(finder, operatorApi, interactionLimits, router, oauthLimits, oidc.handler);
  deps.attachFront(proxy.front);
  const timer = setInterval(() => {
    deleteExpiredFlowState(knex).catch((err: unknown) =>
      logger.warn('expired flow state cleanup failed', { error: String(err) }),
    );
  }, CLEANUP_MS);
  timer.unref();
  return {
    flushUsage: async () => proxy.usage?.flush(),
    async stop() {
      clearInterval(timer);
      await proxy.close();
      await limits.stop();
    },
  };
}

/** Shared counters keyed by an HMAC (no device address at rest) under a per-deployment secret. */
function startRateLimits(
  config: AggregatorConfig,
  knex: Knex,
  deploymentSecret: Buffer,
  logger: Logger,
): RateLimits {
  const secret = Buffer.from(
    hkdfSync('sha256', deploymentSecret, '', 'switchboard/rate-limit', 32),
  );
  return createRateLimits(config.rateLimit, {
    store: createRateLimitStore(knex, createBucketHasher(secret)),
    onSyncError: (err) =>
      logger.warn(
        'rate-limit counters not shared: limiting per process until the database answers',
        {
          error: String(err),
        },
      ),
    onSyncRecovered: () => logger.info('rate-limit counters shared again'),
  });
}

/** A machine client reaches one API: its operator's self-service API, else the telco finder. */
function machineResources(issuer: string, clients: ClientService) {
  return async (clientId: string): Promise<MachineResource> => {
    const operatorId = await clients.operatorOf(clientId);
    if (operatorId)
      return {
        audience: operatorApiAudience(issuer),
        scope: OPERATOR_API_SCOPE,
        ttl: OPERATOR_API_TOKEN_TTL,
        // The operator the token acts for; checked against the client's binding on each call.
        claims: { operator_id: operatorId },
      };
    return {
      audience: telcoFinderAudience(issuer),
      scope: TELCO_FINDER_SCOPE,
      ttl: TELCO_FINDER_TOKEN_TTL,
    };
  };
}
