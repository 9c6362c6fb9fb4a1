import { randomUUID } from 'node:crypto';
import { createDatabase, migrateLatest, type Database } from '@switchboard/db';
import {
  createOperatorService,
  createRouteService,
  createRoutingIndex,
  type Logger,
  type OperatorService,
  type RouteService,
  type RoutingIndex,
} from '@switchboard/telco-finder';
import { createSecretBox } from '@switchboard/tokens';
import { developmentWarnings, masterKeyHint, type AggregatorConfig } from './config.js';
import { createAdminRouter } from './admin/admin-router.js';
import { bootstrapAdminToken, createAdminTokens } from './admin/admin-tokens.js';
import { createAuthorize } from './authorize/create-authorize.js';
import { createClientService, type ClientService } from './clients/client-service.js';
import { createConformance } from './conformance/create-conformance.js';
import { mountConsoleAdmin } from './console/admin-console-router.js';
import { createConsole } from './console/create-console.js';
import { createTelcoFinderApi } from './finder-api/create-telco-finder-api.js';
import { createNetworkIdClient } from './finder-api/network-id-client.js';
import { createOperatorMachineTokens } from './finder-api/operator-machine-tokens.js';
import { createSecondLevelFinderClient } from './finder-api/second-level-finder-client.js';
import { telcoFinderResource } from './finder-api/telco-finder-scope.js';
import type { EgressNetwork } from './infra/egress/host-guard.js';
import { createOperatorEgress } from './infra/egress/operator-egress.js';
import { databaseLog } from './infra/database-log.js';
import {
  createDeviceIpResolver,
  createTrustedProxyCheck,
  requestDeviceIp,
  type DeviceRequest,
} from './infra/http/device-ip.js';
import { createHealthRouter, type HealthRouter } from './infra/http/health-router.js';
import {
  bindListener,
  createAdminApp,
  createPublicApp,
  createStartingApp,
  type Listener,
} from './infra/http/servers.js';
import { createMetrics } from './infra/metrics/metrics.js';
import { createSharedRateLimits } from './infra/rate-limit/shared-rate-limits.js';
import { createKeyService, type KeyService } from './keys/key-service.js';
import { createMasterKeyRotation } from './keys/master-key-rotation.js';
import { createOperatorApi } from './operator-api/create-operator-api.js';
import { createSelfService, type SelfService } from './operator-api/create-self-service.js';
import { operatorApiResource } from './operator-api/operator-api-scope.js';
import { operatorRegistryPorts } from './proxy/operator-registry-ports.js';
import { createPublicProxy } from './proxy/create-public-proxy.js';
import { returnAccessTokenUse, spendAccessToken } from './proxy/store/access-token-use-store.js';
import { createUsageStore } from './usage/usage-store.js';
import { createTracing, type TracingDeps } from './infra/tracing/tracing.js';
import { createVerificationStepStore } from './verifications/store/verification-step-store.js';
import { createVerificationObserver } from './verifications/verification-observer.js';
import { createVerificationRecorder } from './verifications/verification-recorder.js';
import { startVerificationSweep } from './verifications/verification-sweep.js';
import { mountOpenId4VpAdmin } from './openid4vp/admin-openid4vp-router.js';
import { createOpenId4VpApi } from './openid4vp/create-openid4vp.js';
import { createOpenId4VpKeys, type OpenId4VpKeys } from './openid4vp/openid4vp-keys.js';
import { openId4VpResource } from './openid4vp/openid4vp-scope.js';
import { writeKeyRotationAudit } from './openid4vp/store/openid4vp-audit-store.js';
import { certificatesFromPem } from './openid4vp/x509-certificates.js';

export interface Aggregator {
  readonly publicUrl: string;
  readonly adminUrl: string;
  /** The OIDC issuer apps use (ISSUER, else the public URL). */
  readonly issuer: string;
  readonly clients: ClientService;
  readonly keys: KeyService;
  /** The OpenID4VP signing chain of the operator-token path. */
  readonly openId4VpKeys: OpenId4VpKeys;
  readonly index: RoutingIndex;
  readonly operators: OperatorService;
  readonly routes: RouteService;
  /** Operator self-service: claim rules, overlap approvals, GSMA routing sync. */
  readonly selfService: SelfService;
  readonly database: Database;
  /** Writes pending usage records of proxied calls now (reports, tests). */
  flushUsage(): Promise<void>;
  /** Writes pending verification steps and exports pending spans now (tests). */
  flushVerifications(): Promise<void>;
  stop(): Promise<void>;
}

export interface AggregatorDeps {
  logger: Logger;
  /** Use an already-open database (tests); otherwise one is opened from config. */
  database?: Database;
  /** How operators' hosts are reached (tests: a resolver table, a test CA); the real network by default. */
  network?: EgressNetwork;
  /**
   * Waits out SHUTDOWN_DRAIN_MS (a timer by default). Tests end the drain when they have
   * seen it, instead of racing a wall-clock window on a busy machine.
   */
  drainWait?: (ms: number) => Promise<void>;
  /** Tracing's exporter and batch delay (tests, bench); OTLP/HTTP per config by default. */
  tracing?: TracingDeps;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Composition root, in one pass: the database; the listeners, bound first because the
 * issuer defaults to the public URL; the stores and services; the features (authorize,
 * proxy, finder API, operator API, admin API) with the narrow dependencies each declares;
 * then both listeners serve them.
 */
export async function startAggregator(
  config: AggregatorConfig,
  deps: AggregatorDeps,
): Promise<Aggregator> {
  const { logger } = deps;
  for (const warning of developmentWarnings(config)) logger.warn(warning);
  const database =
    deps.database ?? (await createDatabase(config.databaseUrl, { log: databaseLog(logger) }));
  const { knex } = database;
  const applied = await migrateLatest(knex);
  if (applied.length > 0)
    logger.info('database migrated', { applied, database: database.description });

  const instanceId = randomUUID();
  const index = createRoutingIndex({
    knex,
    listen: database.listen,
    onListenerReconnect: database.onListenerReconnect,
    instanceId,
    logger,
  });
  let draining = false;
  let serving = false;
  const healthDeps = { knex, index, draining: () => draining, serving: () => serving };
  const health = {
    public: createHealthRouter(healthDeps),
    admin: createHealthRouter({ ...healthDeps, details: true }),
  };
  const isTrustedProxy = createTrustedProxyCheck(config.trustProxy);
  const listeners: Listener[] = [];
  let running: Composed;
  try {
    for (const [host, port, router] of [
      [config.host, config.port, health.public],
      [config.adminHost, config.adminPort, health.admin],
    ] as const)
      listeners.push(
        await bindListener(host, port, config.http, createStartingApp(router, isTrustedProxy)),
      );
    const issuer = config.issuer ?? listeners[0]!.url;
    const adminUrl = listeners[1]!.url;
    running = await compose(config, deps, {
      database,
      index,
      instanceId,
      issuer,
      adminUrl,
      health,
    });
    listeners[0]!.serve(running.publicApp, running.front);
    listeners[1]!.serve(running.adminApp);
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close(0)));
    await index.stop();
    if (!deps.database) await database.close();
    throw err;
  }
  const [pub, admin] = listeners as [Listener, Listener];
  const polling = running.selfService.startPolling();
  serving = true;
  logger.info('aggregator started', {
    publicUrl: pub.url,
    adminUrl: admin.url,
    issuer: running.issuer,
    database: database.description,
  });
  const { issuer, clients, keys, openId4VpKeys, operators, routes, selfService } = running;
  return {
    publicUrl: pub.url,
    adminUrl: admin.url,
    ...{ issuer, clients, keys, openId4VpKeys, operators, routes, selfService, index, database },
    flushUsage: () => running.flushUsage(),
    flushVerifications: () => running.flushVerifications(),
    async stop() {
      // Drain first: /ready says so and answers close their connections, while load balancers
      // notice; then stop listening, let in-flight requests finish, and only then write the
      // proxy's pending usage records and close its sockets.
      draining = true;
      for (const l of listeners) l.drain();
      if (config.shutdownDrainMs > 0) await (deps.drainWait ?? sleep)(config.shutdownDrainMs);
      await Promise.all(listeners.map((l) => l.close(config.shutdownGraceMs)));
      await polling?.stop();
      await running.close();
      await index.stop();
      if (!deps.database) await database.close();
      logger.info('aggregator stopped');
    },
  };
}

interface Foundation {
  readonly database: Database;
  readonly index: RoutingIndex;
  readonly instanceId: string;
  readonly issuer: string;
  /** The admin listener's URL (one-time console links name it). */
  readonly adminUrl: string;
  readonly health: { readonly public: HealthRouter; readonly admin: HealthRouter };
}

type Composed = Awaited<ReturnType<typeof compose>>;

/** Stores → services → features, each built once with what it declares it needs. */
async function compose(config: AggregatorConfig, deps: AggregatorDeps, base: Foundation) {
  const { logger } = deps;
  const { database, index, issuer } = base;
  const { knex } = database;
  const secretBox = createSecretBox(config.masterKeys, { unknownKeyHint: masterKeyHint });
  const routingContext = {
    knex,
    secretBox,
    instanceId: base.instanceId,
    afterChange: () => index.refresh(),
  };
  const operators = createOperatorService(routingContext, {
    strictProfile: config.icmStrictProfile,
  });
  const routes = createRouteService(routingContext);
  await index.start();
  const adminToken = await bootstrapAdminToken(knex, {
    envToken: config.adminToken,
    dataDir: config.dataDir,
  });
  if (adminToken.source === 'generated')
    logger.info('admin token written for the local CLI', { file: adminToken.file });

  const clients = createClientService({
    knex,
    secretBox,
    strictProfile: config.icmStrictProfile,
  });
  const keys = createKeyService({
    knex,
    secretBox,
    tokenLifetimeSeconds: config.accessTokenMaxTtl,
  });
  const secrets = await keys.bootstrap();
  const openId4VpKeys = createOpenId4VpKeys({ knex, secretBox, name: new URL(issuer).host });
  await openId4VpKeys.bootstrap();
  const metrics = createMetrics();
  const egress = createOperatorEgress({
    timeoutMs: config.operatorTimeoutMs,
    devMode: config.operatorSelfService.devMode,
    ...(deps.network ? { network: deps.network } : {}),
  });
  const selfService = createSelfService(config.operatorSelfService, {
    routingContext,
    metrics,
    logger,
    egress: egress.operatorChosen,
  });
  const limits = createSharedRateLimits(config.rateLimit, knex, secrets.pairwiseSecret, logger);
  const deviceIp = createDeviceIpResolver(config.trustProxy);
  const tokenKeyring = () => keys.tokenKeyring();
  const usage = createUsageStore(knex);
  const observed = observeVerifications(config, deps, knex);
  const { observer } = observed;
  const conformance = createConformance({
    knex,
    issuer,
    operators,
    egress,
    timeoutMs: config.operatorTimeoutMs,
    logger,
  });

  const authorize = await createAuthorize({
    config,
    issuer,
    knex,
    secretBox,
    secrets,
    finder: index,
    operators,
    clientMetadata: (id) => clients.metadata(id),
    allowedApiScopes: (id) => clients.allowedScopes(id),
    backendClient: (id) => clients.backendClient(id),
    tokenKeyring,
    // A machine client reaches one API: its operator's self-service API, else the finder; a
    // backend client's client_credentials token is for /openid4vp/credentials.
    machineResource: async (clientId) => {
      const operatorId = await clients.operatorOf(clientId);
      if (operatorId) return operatorApiResource(issuer, operatorId);
      return (await clients.backendClient(clientId))
        ? openId4VpResource(issuer)
        : telcoFinderResource(issuer);
    },
    telephonyTrustAnchors: config.openId4Vp.telephonyTrustAnchorsPem
      ? certificatesFromPem(config.openId4Vp.telephonyTrustAnchorsPem)
      : undefined,
    egress,
    limits,
    deviceIp,
    logger,
    legs: conformance.legs,
    observer,
  });
  // Seed Annex steps 24–30: the CAMARA proxy reads the token authorize minted in step 19.
  const proxy = createPublicProxy(config, {
    issuer,
    keys,
    jtiStore: {
      consume: (jti, exp) => spendAccessToken(knex, jti, exp),
      giveBack: (jti) => returnAccessTokenUse(knex, jti),
    },
    ...operatorRegistryPorts(index, egress),
    usageSink: usage,
    limits,
    // Circuit openings also go to the scorecard (operator_leg_events).
    metrics: {
      ...metrics,
      setCircuitState: (operatorId, state) => {
        metrics.setCircuitState(operatorId, state);
        if (state === 'open')
          conformance.legs.record({ operatorId, leg: 'circuit', outcome: 'open', latencyMs: null });
      },
    },
    logger,
    observer,
  });
  const sourceIp = (req: DeviceRequest) => requestDeviceIp(deviceIp, req);
  const machineTokens = createOperatorMachineTokens((op) => authorize.operatorMachineToken(op));
  const networkId = createNetworkIdClient({
    tokens: machineTokens,
    dispatcher: (op) => egress.forOperator(op).dispatcher,
    timeoutMs: config.operatorTimeoutMs,
    cacheTtlMs: config.networkIdCacheSeconds * 1000,
  });
  const secondLevel = createSecondLevelFinderClient({
    tokens: machineTokens,
    egress: egress.operatorChosen,
    timeoutMs: config.operatorTimeoutMs,
    cacheTtlMs: config.dynamicRoutingCacheSeconds * 1000,
  });
  const openId4VpApi = createOpenId4VpApi({
    issuer,
    knex,
    secretBox,
    keys: openId4VpKeys,
    eligibleOperators: (carrierIds) => index.operatorTokenOperators(carrierIds),
    backendClient: (id) => clients.backendClient(id),
    tokenKeyring: (kid) => keys.tokenKeyring(kid),
    policyUrl: config.openId4Vp.policyUrl,
    logger,
    limits,
    sourceIp,
  });
  const finderApi = createTelcoFinderApi({ issuer, index, networkId, secondLevel, keys, clients, metrics, logger, limits, sourceIp }); // prettier-ignore
  const operatorApi = createOperatorApi({
    issuer,
    keys,
    clients,
    operators,
    operatorRoutes: selfService.operatorRoutes,
    validation: selfService.validation,
    audit: selfService.audit,
    logger,
  });
  const adminTokens = createAdminTokens(knex);
  const adminRouter = createAdminRouter({
    operators,
    routes,
    routingContext,
    index,
    tokens: adminTokens,
    core: { clients, keys, masterKeys: createMasterKeyRotation({ knex, secretBox }) },
    usage,
    selfService,
    backendCapabilities: (id) => authorize.backendCapabilities(id),
    conformance,
  });
  mountOpenId4VpAdmin(adminRouter, {
    keys: openId4VpKeys,
    audit: (detail) => writeKeyRotationAudit(knex, 'admin:admin-api', detail),
  });
  const webConsole = createConsole({
    knex,
    adminTokens,
    operators,
    circuitStates: () => proxy.breaker.states(),
    scorecard: (window, windowMs) => conformance.health(window, windowMs),
    consoleDir: config.console.dir,
    traceUrl: config.console.traceUrl,
  });
  mountConsoleAdmin(adminRouter, { sessions: webConsole.sessions, adminUrl: base.adminUrl });
  const reporting = { logger, countServerError: metrics.recordServerError };
  const isTrustedProxy = createTrustedProxyCheck(config.trustProxy);
  return {
    ...{ issuer, operators, routes, clients, keys, openId4VpKeys, selfService },
    // The CAMARA proxy answers in the listener's front slot, before express.
    front: proxy.front,
    publicApp: createPublicApp({
      health: base.health.public,
      routes: [finderApi, operatorApi, openId4VpApi, ...authorize.routes],
      isTrustedProxy,
      reporting,
    }),
    adminApp: createAdminApp({
      adminRouter,
      console: webConsole.router,
      health: base.health.admin,
      metricsRegistry: metrics.registry,
      isTrustedProxy,
      reporting,
    }),
    flushUsage: async () => proxy.usage?.flush(),
    flushVerifications: () => observed.flush(),
    async close() {
      await authorize.stop();
      await proxy.close();
      await observed.close();
      await conformance.close();
      await limits.stop();
      await egress.close();
    },
  };
}

/**
 * Issue 17: each verification's steps go to verification_steps (batched, kept
 * VERIFICATION_RETENTION_DAYS) and, with OTEL_* set, to an OTLP/HTTP trace backend.
 */
function observeVerifications(
  config: AggregatorConfig,
  deps: AggregatorDeps,
  knex: Database['knex'],
) {
  const { logger } = deps;
  const tracing = createTracing(config.tracing, deps.tracing);
  if (tracing.enabled)
    logger.info('tracing on', {
      tracesUrl: config.tracing.tracesUrl,
      sampler: config.tracing.sampler,
      ratio: config.tracing.samplerRatio,
    });
  const store = createVerificationStepStore(knex);
  const recorder = createVerificationRecorder({
    sink: store,
    onWriteError: (err) =>
      logger.warn('verification steps not written yet', { error: String(err) }),
  });
  const sweep = startVerificationSweep({
    deleteBefore: (before) => store.deleteBefore(before),
    retentionDays: config.verificationRetentionDays,
    onError: (err) => logger.warn('verification steps sweep failed', { error: String(err) }),
  });
  return {
    observer: createVerificationObserver({ recorder, tracing }),
    async flush() {
      await recorder.flush();
      await tracing.forceFlush();
    },
    async close() {
      await sweep.stop();
      await recorder
        .close()
        .catch((err: unknown) =>
          logger.warn('verification steps lost at stop', { error: String(err) }),
        );
      await tracing.shutdown();
    },
  };
}
