import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { systemClock, type Clock } from './clock.js';
import type { SandboxInstanceConfig } from './config.js';
import { createJwtBearerGrant } from './backchannel/jwt-bearer-grant.js';
import { createBackendEndpointsRouter } from './http/backend-endpoints-router.js';
import { createApp } from './http/create-app.js';
import { createConsentsRouter } from './http/consents-router.js';
import { createCsrf, type Csrf } from './http/csrf.js';
import { createHealthRouter } from './http/health-router.js';
import { createKycMatchRouter } from './http/kyc-match-router.js';
import { createKycMatchService } from './kyc-match/kyc-match-service.js';
import { createInteractionRouter } from './http/interaction-router.js';
import { createNumberVerificationRouter } from './http/number-verification-router.js';
import { createTelcoRoutingRouter } from './http/telco-routing-router.js';
import { oauthErrorDocument } from './http/pages.js';
import { createLocationVerificationRouter } from './http/location-verification-router.js';
import { createLocationVerificationService } from './location-verification/location-verification-service.js';
import { silentLogger, type Logger } from './logger.js';
import { createOidcProvider, type OidcComponents } from './oidc/create-oidc-provider.js';
import { createConsentService, type ConsentService } from './services/consent-service.js';
import { createNetworkIdentifier, type NetworkIdentifier } from './services/network-identifier.js';
import { createNumberVerificationService } from './services/number-verification-service.js';
import { createPurposePolicy, type PurposePolicy } from './services/purpose-policy.js';
import { createSubscriberDirectory } from './services/subscriber-directory.js';
import { createSandboxStateStore, type SandboxStateStore } from './store/sandbox-state-store.js';
import { createSimSwapHistory } from './simswap/sim-swap-history.js';
import { createSimSwapRouter } from './http/sim-swap-router.js';
import { createNetworkIdRouter } from './http/network-id-router.js';
import { createNetworkIdService } from './network-id/network-id-service.js';
import { createEntitlementRouter } from './http/entitlement-router.js';
import { createEntitlementService } from './operator-token/entitlement-service.js';
import { createTempTokenLedger, type TempTokenLedger } from './operator-token/temp-token-ledger.js';
import { createSimSwapService } from './simswap/sim-swap-service.js';

export interface SandboxDeps {
  readonly logger?: Logger;
  /** Time for token, challenge and temp_token expiry and consent timestamps; tests move it forward. */
  readonly clock?: Clock;
  /** Persist consents under `<dataDir>/<instance id>/state.json`; omit or null for memory only. */
  readonly dataDir?: string | null;
}

export interface RunningSandbox {
  readonly id: string;
  /** Issuer and API root, e.g. `http://127.0.0.1:4001`, with the real port. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts one operator sandbox (composition root): listens first so the issuer carries the
 * real port (port 0 picks a free one), then builds store → services → oidc → http.
 */
export async function startSandbox(
  instance: SandboxInstanceConfig,
  deps: SandboxDeps = {},
): Promise<RunningSandbox> {
  const logger = (deps.logger ?? silentLogger).child({ instance: instance.id });
  // Until the app is built, answer 503 rather than leave a request unanswered (a restarted
  // operator is reached by browsers as soon as it listens).
  const server = createServer(startingUp);
  await listen(server, instance.port, instance.host);
  const { port } = server.address() as AddressInfo;
  const url = `http://${issuerHost(instance.host)}:${port}`;
  try {
    const file = deps.dataDir ? join(deps.dataDir, instance.id, 'state.json') : undefined;
    const store = await createSandboxStateStore({ file });
    const app = await buildApp(instance, url, store, deps.clock ?? systemClock, logger);
    server.off('request', startingUp);
    server.on('request', app);
    logger.info('operator sandbox listening', {
      url,
      scopeStyle: instance.scopeStyle,
      persisted: Boolean(file),
    });
    return { id: instance.id, url, port, close: () => stop(server, store) };
  } catch (err) {
    await stop(server);
    throw err;
  }
}

function startingUp(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
  res.end(JSON.stringify({ status: 503, code: 'UNAVAILABLE', message: 'starting up' }));
}

interface Services {
  readonly purposes: PurposePolicy;
  readonly consents: ConsentService;
  readonly network: NetworkIdentifier;
  /** TS.43 temp_tokens: issued by the entitlement service, redeemed by the JWT-bearer grant. */
  readonly operatorTokens: TempTokenLedger;
}

function buildServices(
  instance: SandboxInstanceConfig,
  store: SandboxStateStore,
  clock: Clock,
  logger: Logger,
): Services {
  const directory = createSubscriberDirectory(instance.subscribers);
  return {
    purposes: createPurposePolicy({ scopeStyle: instance.scopeStyle, purposes: instance.purposes }),
    consents: createConsentService({ store, clock }),
    network: createNetworkIdentifier({
      directory,
      store,
      headerEnrichment: instance.headerEnrichment,
      logger,
    }),
    operatorTokens: createTempTokenLedger({
      ttlSeconds: instance.operatorToken?.tempTokenTtlSeconds ?? 120,
      clock,
    }),
  };
}

async function buildApp(
  instance: SandboxInstanceConfig,
  issuer: string,
  store: SandboxStateStore,
  clock: Clock,
  logger: Logger,
) {
  const services = buildServices(instance, store, clock, logger);
  const { operatorTokens, ...oidcServices } = services;
  const oidc = await createOidcProvider({
    issuer,
    instance,
    ...oidcServices,
    signingKey: await signingKey(),
    cookieKey: `${store.secret}:cookies`,
    knowsAccount: (accountId) => store.msisdnFor(accountId) !== undefined,
    errorDocument: oauthErrorDocument,
    logger,
  });
  const singleUse = instance.singleUseAccessTokens;
  const nv = createNumberVerificationService({
    tokens: oidc.tokens,
    subscribers: store,
    singleUse,
    clock,
    logger,
  });
  return createApp({
    health: createHealthRouter({ instanceId: instance.id, issuer }),
    telcoRouting: createTelcoRoutingRouter({
      instanceId: instance.id,
      issuer,
      routing: instance.routing,
    }),
    numberVerification: createNumberVerificationRouter({ service: nv, logger }),
    kycMatch: createKycMatchRouter({
      service: createKycMatchService({
        tokens: oidc.tokens,
        subscribers: store,
        config: instance.kycMatch ?? { idDocumentRequired: false, records: [] },
        clock,
        logger,
      }),
      logger,
    }),
    locationVerification: createLocationVerificationRouter({
      service: createLocationVerificationService({
        tokens: oidc.tokens,
        subscribers: store,
        directory: createSubscriberDirectory(instance.subscribers),
        subscriberRules: instance.subscribers,
        locations: instance.deviceLocations,
        policy: instance.locationVerification,
        clock,
        logger,
      }),
      logger,
    }),
    simSwap: createSimSwapRouter({
      service: createSimSwapService({
        tokens: oidc.tokens,
        subscribers: store,
        // SIM changes are configured relative to this start (config/sandbox.json `simSwap`).
        history: createSimSwapHistory(instance, instance.simSwap, clock.now()),
        clock,
        logger,
      }),
      logger,
    }),
    networkId: createNetworkIdRouter({
      service: createNetworkIdService({
        tokens: oidc.tokens,
        clock,
        routing: instance.routing,
        portedNumbers: instance.portedNumbers,
      }),
      logger,
    }),
    entitlement: createEntitlementRouter({
      service: createEntitlementService({
        // An instance without `operatorToken` has no SIM with an entitlement: every MSISDN is unknown.
        sims: instance.operatorToken?.sims ?? [],
        ledger: operatorTokens,
        clock,
        logger,
      }),
      logger,
    }),
    ...pageRouters(instance, services, oidc, createCsrf(store.secret), logger),
    backendEndpoints: createBackendEndpointsRouter({
      authorizationServer: oidc.handler,
      impliedOpenid: oidc.impliedOpenid,
      jwtBearer: createJwtBearerGrant({
        tokenEndpoint: `${issuer}/token`,
        clients: instance.clients,
        ...services,
        tokens: oidc.minter,
        clock,
        logger,
      }),
    }),
    authorizationServer: oidc.handler,
    logger,
  });
}

function pageRouters(
  instance: SandboxInstanceConfig,
  services: Services,
  oidc: OidcComponents,
  csrf: Csrf,
  logger: Logger,
) {
  const { network, consents, purposes } = services;
  const common = { operatorName: instance.name, network, consents, csrf, logger };
  const clientNames = new Map(instance.clients.map((c) => [c.clientId, c.clientName]));
  return {
    interactions: createInteractionRouter({ ...common, interactions: oidc.interactions, purposes }),
    consents: createConsentsRouter({
      ...common,
      grants: oidc.grants,
      backchannel: oidc.backchannel,
      clientNames,
    }),
  };
}

/** A fresh ES256 signing key per start (fast to make; ID tokens only need to outlive a flow). */
async function signingKey(): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'ES256', use: 'sig' };
}

/** Wildcard binds are announced on loopback: browsers and clients need a real host. */
function issuerHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function stop(server: Server, store?: SandboxStateStore): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
  });
  await store?.flush();
}
