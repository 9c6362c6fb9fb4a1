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
import type { AggregatorConfig } from './config.js';
import { createAdminRouter } from './http/admin-router.js';
import { createHealthRouter } from './http/health-router.js';
import { createAdminApp, createPublicApp, listen } from './http/servers.js';
import { bootstrapAdminToken, createAdminTokens } from './services/admin-tokens.js';

export interface Aggregator {
  readonly publicUrl: string;
  readonly adminUrl: string;
  readonly index: RoutingIndex;
  readonly operators: OperatorService;
  readonly routes: RouteService;
  readonly database: Database;
  stop(): Promise<void>;
}

export interface AggregatorDeps {
  logger: Logger;
  /** Use an already-open database (tests); otherwise one is opened from config. */
  database?: Database;
}

/** Composition root: wires config, database, routing and HTTP, in that order. */
export async function startAggregator(
  config: AggregatorConfig,
  deps: AggregatorDeps,
): Promise<Aggregator> {
  const { logger } = deps;
  if (config.usingDevMasterKey) {
    logger.warn(
      'SWITCHBOARD_MASTER_KEY is not set: using the built-in development key. Never do this in production.',
    );
  }
  const database = deps.database ?? (await createDatabase(config.databaseUrl));
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
  const routingContext = {
    knex: database.knex,
    secretBox: createSecretBox(config.masterKeys),
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

  const health = createHealthRouter({ knex: database.knex, index });
  const adminRouter = createAdminRouter({
    operators,
    routes,
    routingContext,
    index,
    tokens: createAdminTokens(database.knex),
  });
  const admin = await listen(
    createAdminApp(adminRouter, health, logger),
    config.adminHost,
    config.adminPort,
  );
  const pub = await listen(createPublicApp(health, logger), config.host, config.port);
  logger.info('aggregator started', {
    publicUrl: pub.url,
    adminUrl: admin.url,
    database: database.description,
  });

  return {
    publicUrl: pub.url,
    adminUrl: admin.url,
    index,
    operators,
    routes,
    database,
    async stop() {
      await Promise.all([pub.close(config.shutdownGraceMs), admin.close(config.shutdownGraceMs)]);
      await index.stop();
      if (!deps.database) await database.close();
      logger.info('aggregator stopped');
    },
  };
}
