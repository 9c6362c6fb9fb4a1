import type { Knex } from 'knex';

// Usage records carry the id the aggregator gave them: a batch written again after a lost
// acknowledgement (connection dropped after the commit) must not count calls twice.
// Rows from before this migration have none (NULLs never conflict).
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE usage_events ADD COLUMN record_id uuid');
  await knex.raw('CREATE UNIQUE INDEX usage_events_record_id_idx ON usage_events (record_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS usage_events_record_id_idx');
  await knex.raw('ALTER TABLE usage_events DROP COLUMN IF EXISTS record_id');
}
