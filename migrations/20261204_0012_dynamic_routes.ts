import type { Knex } from 'knex';

// Migrations are immutable once landed and never import application code.
// GSMA OPG.10 dynamic routing rules: a route an operator claims (ip_ranges, msisdn_prefixes,
// networks) may resolve through the operator's second-level telco finder (multi-brand
// operators) instead of to the operator itself.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE dynamic_routes (
      kind text NOT NULL CHECK (kind IN ('range', 'prefix', 'network')),
      value text NOT NULL,
      operator_id text NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
      telco_finder_url text NOT NULL,
      auth_provider_configuration text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (kind, value)
    )`);
  await knex.raw('CREATE INDEX dynamic_routes_operator ON dynamic_routes (operator_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE dynamic_routes');
}
