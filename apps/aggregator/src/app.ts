import { randomUUID } from 'node:crypto';
import { createDatabase, migrateLatest, type Database, type DatabaseLog } from '@switchboard/db';
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
import type { AggregatorConfig } from './config.js';
import { createCoreServices, startCore } from './authorize/create-authorize.js';
import type { ClientService } from './clients/client-service.js';
import type { KeyService } from './keys/key-service.js';
import { createAdminRouter } from './admin/admin-router.js';
import { createHealthRouter } from './infra/http/health-router.js';
import { createLateRouter } from './infra/http/late-router.js';
import { createUsageStore } from './usage/usage-store.js';
import { createMetrics } from './infra/metrics/metrics.js';
import { createAdminApp, createPublicApp, listen } from './infra/http/servers.js';
import { createTrustedProxyCheck } from './infra/http/device-ip.js';
import { bootstrapAdminToken, createAdminTokens } from './admin/admin-tokens.js';
import { createSelfService, type SelfService } from './operator-api/create-self-service.js';
import type { EgressNetwork } from './infra/egress/host-guard.js';
import { createOperatorEgress } from './infra/egress/operator-egress.js';

export interface Aggregator {
  readonly publicUrl: string;
  readonly adminUrl: string;
  /** The OIDC issuer apps use (ISSUER, else the public URL). */
  readonly issuer: string;
  readonly clients: ClientService;
  readonly keys: KeyService;
  readonly index: RoutingIndex;
  readonly operators: OperatorService;
  readonly routes: RouteService;
  /** Operator self-service: claim rules, overlap approvals, GSMA routing sync. */
  readonly selfService: SelfService;
  readonly database: Database;
  /** Writes pending usage records of proxied calls now (reports, tests). */
  flushUsage(): Promise<void>;
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
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Composition root: wires config, database, routing and HTTP, in that order. */
export async function startAggregator(
  config: AggregatorConfig,
  deps: AggregatorDeps,
): Promise<Aggregator> {
  const { logger } = deps;
  if (config.operatorSelfService.devMode) {
    logger.warn(
      'OPERATOR_DEV_MODE is on: operators may claim loopback/private ranges and register http:// endpoints. Never do this in production.',
    );
  }
  if (config.usingDevMasterKey) {
    logger.warn(
      'SWITCHBOARD_MASTER_KEY is not set: using the built-in development key. Never do this in production.',
    );
  }
  const database =
    deps.database ?? (await createDatabase(config.databaseUrl, { log: databaseLog(logger) }));
  const applied = await migrateLatest(database.knex);
  if (applied.length > 0)
    logger.info('database migrated', { applied, database: database.description });

  const instanceId = randomUUID();
  const index = createRoutingIndex({
    knex: database.knex,
    listen: database.listen,
    onListenerReconnect: database.onListenerReconnect,
    instanceId,
    logger,
  });
  const secretBox = createSecretBox(config.masterKeys);
  const routingContext = {
    knex: database.knex,
    secretBox,
    instanceId,
    afterChange: () => index.refresh(),
  };
  const operators = createOperatorService(routingContext);
  const routes = createRouteService(routingContext);
  await index.start();

  const token = await bootstrapAdminToken(database.knex, {
    envToken: config.adminToken,
    dataDir: config.dataDir,
  });
  if (token.source === 'generated')
    logger.info('admin token written for the local CLI', { file: token.file });

  let draining = false;
  let serving = false;
  const healthDeps = {
    knex: database.knex,
    index,
    draining: () => draining,
    serving: () => serving,
  };
  const health = createHealthRouter(healthDeps);
  const coreDeps = { knex: database.knex, secretBox, index, operators, logger };
  const core = createCoreServices(coreDeps);
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
  const adminRouter = createAdminRouter({
    operators,
    routes,
    routingContext,
    index,
    tokens: createAdminTokens(database.knex),
    core,
    usage: createUsageStore(database.knex),
    selfService: { ...selfService, knex: database.knex },
  });
  const isTrustedProxy = createTrustedProxyCheck(config.trustProxy);
  const admin = await listen(
    createAdminApp(
      adminRouter,
      createHealthRouter({ ...healthDeps, details: true }),
      logger,
      metrics.registry,
      isTrustedProxy,
    ),
    config.adminHost,
    config.adminPort,
    config.http,
  );
  // The public app's routes: health first, then the core once the issuer is known.
  const late = createLateRouter(health);
  const pub = await listen(
    createPublicApp(late.router, logger, isTrustedProxy),
    config.host,
    config.port,
    config.http,
  );
  const issuer = config.issuer ?? pub.url;
  const runningCore = await startCore(config, {
    ...coreDeps,
    ...core,
    issuer,
    mount: late,
    attachFront: pub.attachFront,
    metrics,
    selfService,
    egress,
  });
  const polling = selfService.startPolling();
  serving = true;
  logger.info('aggregator started', {
    publicUrl: pub.url,
    adminUrl: admin.url,
    issuer,
    database: database.description,
  });

  return {
    publicUrl: pub.url,
    adminUrl: admin.url,
    issuer,
    clients: core.clients,
    keys: core.keys,
    index,
    operators,
    routes,
    selfService,
    database,
    flushUsage: () => runningCore.flushUsage(),
    async stop() {
      // Drain first: /ready says so and answers close their connections, while load balancers
      // notice; then stop listening, let in-flight requests finish, and only then write the
      // proxy's pending usage records and close its sockets.
      draining = true;
      pub.drain();
      admin.drain();
      if (config.shutdownDrainMs > 0) await (deps.drainWait ?? sleep)(config.shutdownDrainMs);
      await Promise.all([pub.close(config.shutdownGraceMs), admin.close(config.shutdownGraceMs)]);
      await polling?.stop();
      await runningCore.stop();
      await egress.close();
      await index.stop();
      if (!deps.database) await database.close();
      logger.info('aggregator stopped');
    },
  };
}

/** knex's own messages as structured log lines; the first line only (no stack traces). */
function databaseLog(logger: Logger): DatabaseLog {
  const line = (message: string) => String(message).split('\n', 1)[0];
  return {
    warn: (message) => logger.warn('database client', { detail: line(message) }),
    error: (message) => logger.error('database client', { detail: line(message) }),
    deprecate: (message) => logger.warn('database client', { detail: line(message) }),
    // knex only debugs with `debug: true`, which the aggregator never sets.
    debug: () => undefined,
  };
}
