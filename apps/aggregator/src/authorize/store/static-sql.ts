import type { Knex } from 'knex';

interface PooledPg {
  query(query: { text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

interface KnexClient {
  readonly config: Knex.Config;
  acquireConnection(): Promise<PooledPg>;
  releaseConnection(connection: PooledPg): Promise<unknown>;
}

const numbered = new Map<string, string>();

/** `?` placeholders as pg's `$1…$n`, once per statement (these statements hold no other `?`). */
function pgText(sql: string): string {
  let text = numbered.get(sql);
  if (!text) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    numbered.set(sql, text);
  }
  return text;
}

/**
 * Runs one of the flow's fixed statements. On PostgreSQL it goes straight to a pooled pg
 * connection: knex.raw re-parses the SQL and its bindings on every call, which the nested-flow
 * profile showed as 7% of the aggregator's CPU for statements that never change. On PGlite it
 * goes through knex.raw. Same pool, same acquire timeout, same pg errors either way.
 */
export async function runStatement<T>(knex: Knex, sql: string, values: unknown[]): Promise<T[]> {
  const client = knex.client as KnexClient;
  if (client.config.client !== 'pg')
    return ((await knex.raw(sql, values as Knex.RawBinding[])) as { rows: T[] }).rows;
  const connection = await client.acquireConnection();
  try {
    return (await connection.query({ text: pgText(sql), values })).rows as T[];
  } finally {
    await client.releaseConnection(connection);
  }
}
