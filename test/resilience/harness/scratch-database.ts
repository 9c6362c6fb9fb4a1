import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';

/** A database of its own on the PostgreSQL server, dropped at the end (never the server). */
export interface ScratchDatabase {
  readonly name: string;
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** A direct connection for the harness's own checks (never through the fault relay). */
  readonly knex: Knex;
  drop(): Promise<void>;
}

export async function createScratchDatabase(serverUrl: string): Promise<ScratchDatabase> {
  const name = `sb_resilience_${randomBytes(5).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`CREATE DATABASE ${name}`);
  } finally {
    await admin.destroy();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 2 } });
  return {
    name,
    url,
    host: u.hostname,
    port: Number(u.port || 5432),
    knex,
    async drop() {
      await knex.destroy();
      const k = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
      try {
        await k.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await k.destroy();
      }
    },
  };
}
