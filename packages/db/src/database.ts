import fs from 'node:fs';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import ClientPgLite from 'knex-pglite';
import { describeTarget, parseDatabaseUrl, type DatabaseTarget } from './database-url.js';
import { createPostgresListener, type NotificationListener } from './postgres-listener.js';
import { acquirePgliteLock } from './pglite-lock.js';

export type { NotificationListener };

/** A connected database: a knex instance plus the engine-specific pieces knex hides. */
export interface Database {
  readonly knex: Knex;
  readonly target: DatabaseTarget;
  readonly description: string;
  /** Subscribe to `NOTIFY channel`; on PostgreSQL this uses a dedicated connection. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Called after the listener reconnected and may have missed notifications. */
  onListenerReconnect(handler: () => void): void;
  /** PGlite only: a data-directory image that `pgliteImage` can load (test templates). */
  exportImage?(): Promise<Blob>;
  close(): Promise<void>;
}

export interface CreateDatabaseOptions {
  /** Pool size for PostgreSQL servers (PGlite always has exactly one connection). */
  poolMax?: number;
  /** Pre-built PGlite data directory image (used by the test helper to skip migrations). */
  pgliteImage?: Blob;
  /**
   * Where knex's own messages go (e.g. "Acquire connection error" during an outage);
   * by default knex prints them as plain text on stdout, outside structured logs.
   */
  log?: DatabaseLog;
}

/** knex's logger hooks; each gets one message. */
export interface DatabaseLog {
  warn(message: string): void;
  error(message: string): void;
  deprecate(message: string): void;
  debug(message: string): void;
}

const CONNECT_TIMEOUT_MS = 5_000;
const ACQUIRE_TIMEOUT_MS = 10_000;

// Column types PostgreSQL returns as strings by default but we want as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

export async function createDatabase(
  databaseUrl: string,
  options: CreateDatabaseOptions = {},
): Promise<Database> {
  const target = parseDatabaseUrl(databaseUrl);
  return target.kind === 'postgres'
    ? createPostgresDatabase(target, options)
    : createPgliteDatabase(target, options);
}

function createPostgresDatabase(
  target: Extract<DatabaseTarget, { kind: 'postgres' }>,
  options: CreateDatabaseOptions,
): Database {
  const knex = knexFactory({
    client: 'pg',
    // Bounded waits: an unreachable server fails a request in seconds instead of hanging it
    // (pg has no connect timeout by default, knex waits 60 s for a pooled connection).
    connection: { connectionString: target.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
    acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
    pool: { min: 0, max: options.poolMax ?? 10 },
    ...(options.log ? { log: options.log } : {}),
  });
  let listener: NotificationListener | undefined;
  const reconnectHandlers: Array<() => void> = [];
  return {
    knex,
    target,
    description: describeTarget(target),
    async listen(channel, onPayload) {
      listener ??= createPostgresListener(target.url, () => reconnectHandlers.forEach((h) => h()));
      return listener.listen(channel, onPayload);
    },
    onListenerReconnect(handler) {
      reconnectHandlers.push(handler);
    },
    async close() {
      await listener?.close();
      await knex.destroy();
    },
  };
}

async function createPgliteDatabase(
  target: Extract<DatabaseTarget, { kind: 'pglite' }>,
  options: CreateDatabaseOptions,
): Promise<Database> {
  let release = () => {};
  if (target.dataDir) {
    fs.mkdirSync(target.dataDir, { recursive: true });
    release = acquirePgliteLock(target.dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(target.dataDir, {
      ...(options.pgliteImage ? { loadDataDir: options.pgliteImage } : {}),
    });
  } catch (e) {
    release();
    throw e;
  }
  const knex = knexFactory({
    client: ClientPgLite as unknown as typeof knexFactory.Client,
    dialect: 'postgres',
    connection: () => ({ pglite }) as object,
    ...(options.log ? { log: options.log } : {}),
  } as Knex.Config);
  return {
    knex,
    target,
    description: describeTarget(target),
    // PGlite delivers NOTIFY in-process: every writer shares this one instance.
    listen: (channel, onPayload) => pglite.listen(channel, onPayload).then((off) => () => off()),
    onListenerReconnect() {},
    exportImage: () => pglite.dumpDataDir('none'),
    async close() {
      await knex.destroy();
      if (!pglite.closed) await pglite.close();
      release();
    },
  };
}
