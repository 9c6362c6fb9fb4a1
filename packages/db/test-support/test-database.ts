import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { createDatabase, type Database } from '../src/database.js';
import { migrateLatest } from '../src/migrator.js';
import { parseDatabaseUrl } from '../src/database-url.js';

/** Env keys the global setup uses to hand the migrated template to each test file. */
export const TEMPLATE_DB_ENV = 'SWITCHBOARD_TEST_TEMPLATE_DB';
export const PGLITE_IMAGE_ENV = 'SWITCHBOARD_TEST_PGLITE_IMAGE';

export interface TestDatabase {
  readonly db: Database;
  /** `postgres://…` of this file's own database, or `pglite:memory` (not shareable). */
  readonly url: string;
  readonly engine: 'postgres' | 'pglite';
  /** Opens a second, independent connection set to the same database (PostgreSQL only). */
  connectAgain(): Promise<Database>;
  destroy(): Promise<void>;
}

export function testServerUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL;
  return url && url.startsWith('postgres') ? url : undefined;
}

export function withDatabase(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A fresh, migrated database for one test file: a copy of the template built once by
 * the global setup — `CREATE DATABASE … TEMPLATE` on PostgreSQL, a data-dir image on PGlite.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = testServerUrl();
  return server ? createPostgresTestDatabase(server) : createPgliteTestDatabase();
}

async function createPostgresTestDatabase(server: string): Promise<TestDatabase> {
  const template = process.env[TEMPLATE_DB_ENV];
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
  try {
    if (template) await admin.raw(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    else await admin.raw(`CREATE DATABASE ${name}`);
  } finally {
    await admin.destroy();
  }
  const url = withDatabase(server, name);
  const db = await createDatabase(url, { poolMax: 5 });
  if (!template) await migrateLatest(db.knex);
  const extra: Database[] = [];
  return {
    db,
    url,
    engine: 'postgres',
    async connectAgain() {
      const again = await createDatabase(url, { poolMax: 5 });
      extra.push(again);
      return again;
    },
    async destroy() {
      await Promise.all([db, ...extra].map((d) => d.close().catch(() => undefined)));
      const dropper = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
      try {
        await dropper.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.destroy();
      }
    },
  };
}

/** The migrated PGlite data directory the global setup built, when it built one. */
export function pgliteTemplateImage(): Blob | undefined {
  const imagePath = process.env[PGLITE_IMAGE_ENV];
  return imagePath ? new Blob([fs.readFileSync(imagePath)]) : undefined;
}

async function createPgliteTestDatabase(): Promise<TestDatabase> {
  const image = pgliteTemplateImage();
  const db = await createDatabase('pglite:memory', image ? { pgliteImage: image } : {});
  if (!image) await migrateLatest(db.knex);
  return {
    db,
    url: 'pglite:memory',
    engine: 'pglite',
    async connectAgain() {
      throw new Error('PGlite is single-process: use the same Database instance');
    },
    destroy: () => db.close(),
  };
}

export function describeTestEngine(): string {
  const server = testServerUrl();
  return server ? `postgres (${parseDatabaseUrl(server).kind})` : 'pglite';
}
