import type { Knex } from 'knex';

// Migrations are immutable once landed and never import application code.

// RFC 6749 §10.12 / RFC 9700 §4.7: an operator callback completes a flow only in the browser
// that started it. The browser holds a random binding value in a cookie; the flow keeps only
// its SHA-256. One pending operator round-trip per interaction: a repeated GET of the
// interaction replaces it instead of adding rows.
export async function up(knex: Knex): Promise<void> {
  // Flows in flight carry no binding and could not complete any more (and may hold several
  // rows per interaction): they end as an unknown state, as an expired flow does.
  await knex.raw('DELETE FROM operator_flows');
  await knex.raw(
    'ALTER TABLE operator_flows ADD COLUMN binding_hash bytea NOT NULL CHECK (octet_length(binding_hash) = 32)',
  );
  await knex.raw(
    'CREATE UNIQUE INDEX operator_flows_interaction_uid ON operator_flows (interaction_uid)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS operator_flows_interaction_uid');
  await knex.raw('ALTER TABLE operator_flows DROP COLUMN IF EXISTS binding_hash');
}
