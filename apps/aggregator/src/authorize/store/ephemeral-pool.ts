import knexFactory, { type Knex } from 'knex';
import type { FlowStatePools } from './oidc-model-store.js';

/** Connections for ephemeral flow-state writes: a few, as they are short. */
const EPHEMERAL_POOL_MAX = 4;

/**
 * ADR 0005: writes of flow state that only an in-flight flow needs (interactions, codes,
 * operator round-trips, grants, replay records) go through a small second pool whose
 * sessions run `synchronous_commit = off`: a commit returns before its WAL reaches disk,
 * so a server crash may lose the last fraction of a second of them, failing those flows,
 * which the user can start again. Reads and every other write keep the main pool. On
 * PGlite (one connection, in process) both are the same.
 */
export function createFlowStatePools(knex: Knex): FlowStatePools & { close(): Promise<void> } {
  const config = knex.client.config as Knex.Config;
  if (config.client !== 'pg') return { knex, ephemeral: knex, close: async () => {} };
  const ephemeral = knexFactory({
    ...config,
    pool: {
      min: 0,
      max: EPHEMERAL_POOL_MAX,
      afterCreate(conn: { query(sql: string, done: (err?: Error) => void): void }, done: Done) {
        conn.query('SET synchronous_commit = off', (err) => done(err ?? null, conn));
      },
    },
  });
  return { knex, ephemeral, close: () => ephemeral.destroy() };
}

type Done = (err: Error | null, conn: unknown) => void;
