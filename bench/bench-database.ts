import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { createDatabase, type Database } from '@switchboard/db';

/** A fresh PostgreSQL database (BENCH_DATABASE_URL or the local server), else PGlite. */
export async function openDatabase(): Promise<{
  database: Database;
  engine: string;
  drop(): Promise<void>;
}> {
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `sb_bench_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`CREATE DATABASE ${name}`);
  } catch {
    return {
      database: await createDatabase('pglite:memory'),
      engine: 'pglite',
      drop: async () => {},
    };
  } finally {
    await admin.destroy();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    database: await createDatabase(url.toString(), { poolMax: 10 }),
    engine: 'postgres',
    async drop() {
      const k = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
      await k.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await k.destroy();
    },
  };
}
