import type { Knex } from 'knex';

// Usage metering (seed §4.1): one row per proxied CAMARA call, written in batches.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE usage_events (
      id bigserial PRIMARY KEY,
      occurred_at timestamptz NOT NULL,
      client_id text NOT NULL,
      operator_id text NOT NULL,
      api text NOT NULL,
      api_version text NOT NULL,
      operation text NOT NULL,
      status smallint NOT NULL,
      latency_ms double precision NOT NULL,
      correlator text NOT NULL
    )`);
  await knex.raw('CREATE INDEX usage_events_occurred_at_idx ON usage_events (occurred_at)');
  await knex.raw('CREATE INDEX usage_events_client_idx ON usage_events (client_id, occurred_at)');
  await knex.raw(
    'CREATE INDEX usage_events_operator_idx ON usage_events (operator_id, occurred_at)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('usage_events');
}
