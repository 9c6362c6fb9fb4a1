import type { Knex } from 'knex';

// Migrations are immutable once landed and never import application code.

// Shared rate-limit counters (docs/adr/0001-rate-limits.md): each aggregator process counts
// locally and adds its counts here in small periodic batches; one row per bucket and window.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE rate_limit_counters (
      -- "<endpoint>:<ip|client>:<keyed hash>": no device address or client id in clear.
      bucket text NOT NULL,
      -- Window start, milliseconds since the epoch (fixed windows aligned to the epoch).
      window_start bigint NOT NULL,
      count bigint NOT NULL CHECK (count >= 0),
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (bucket, window_start)
    )`);
  await knex.raw('CREATE INDEX rate_limit_counters_expires ON rate_limit_counters (expires_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('rate_limit_counters');
}
