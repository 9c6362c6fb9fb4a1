import type { Knex } from 'knex';

interface PooledPg {
  query(query: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

interface KnexClient {
  readonly config: Knex.Config;
  acquireConnection(): Promise<PooledPg>;
  releaseConnection(connection: PooledPg): Promise<unknown>;
}

const prepared = new Map<string, { name: string; text: string }>();

/**
 * The statement as pg runs it: `?` placeholders numbered `$1…$n` (these statements hold no other
 * `?`), and a name, so each connection parses and plans it once and then only binds values.
 */
function pgStatement(sql: string): { name: string; text: string } {
  let statement = prepared.get(sql);
  if (!statement) {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    statement = { name: `switchboard_flow_${prepared.size + 1}`, text };
    prepared.set(sql, statement);
  }
  return statement;
}

/**
 * Runs one of the flow's fixed statements. On PostgreSQL it goes straight to a pooled pg
 * connection as a named (prepared) statement: knex.raw re-parses the SQL and its bindings on
 * every call, which the nested-flow profile showed as 7% of the aggregator's CPU for statements
 * that never change, and the server parsed and planned each one again. On PGlite it goes through
 * knex.raw. Same pool, same acquire timeout, same pg errors either way.
 */
export async function runStatement<T>(knex: Knex, sql: string, values: unknown[]): Promise<T[]> {
  const client = knex.client as KnexClient;
  if (client.config.client !== 'pg')
    return ((await knex.raw(sql, values as Knex.RawBinding[])) as { rows: T[] }).rows;
  const connection = await client.acquireConnection();
  try {
    return (await connection.query({ ...pgStatement(sql), values })).rows as T[];
  } finally {
    await client.releaseConnection(connection);
  }
}
