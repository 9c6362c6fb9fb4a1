import type { Knex } from 'knex';

// Migrations are immutable once landed and never import application code.
// Operator self-service (docs/operator-onboarding.md): operator API clients, overlap approvals, GSMA OPG.10
// routing-table sync state, and a lease so one process polls at a time.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE operators
      ADD COLUMN routing_url text,
      ADD COLUMN supported_apis jsonb NOT NULL DEFAULT '[]'::jsonb`);

  // A client bound to an operator is that operator's machine client for /operators/v1.
  await knex.raw(`
    ALTER TABLE clients
      ADD COLUMN operator_id text REFERENCES operators(id) ON DELETE CASCADE`);
  await knex.raw('CREATE INDEX clients_operator ON clients (operator_id)');

  // An admin's permission for one operator to claim a range or prefix that overlaps
  // another operator's.
  await knex.raw(`
    CREATE TABLE overlap_approvals (
      id bigserial PRIMARY KEY,
      operator_id text NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('range', 'prefix')),
      value text NOT NULL,
      approved_by text NOT NULL,
      note text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (operator_id, kind, value)
    )`);

  await knex.raw(`
    CREATE TABLE routing_sync_state (
      operator_id text PRIMARY KEY REFERENCES operators(id) ON DELETE CASCADE,
      status text NOT NULL CHECK (status IN ('ok', 'failed')),
      last_attempt_at timestamptz NOT NULL,
      last_success_at timestamptz,
      last_error text,
      consecutive_failures integer NOT NULL DEFAULT 0,
      last_change jsonb,
      next_due_at timestamptz NOT NULL
    )`);

  await knex.raw(`
    CREATE TABLE leases (
      name text PRIMARY KEY,
      holder text NOT NULL,
      expires_at timestamptz NOT NULL
    )`);

  await knex.raw('CREATE INDEX audit_log_at ON audit_log (at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS audit_log_at');
  for (const table of ['leases', 'routing_sync_state', 'overlap_approvals'])
    await knex.schema.dropTableIfExists(table);
  await knex.raw('DROP INDEX IF EXISTS clients_operator');
  await knex.raw('ALTER TABLE clients DROP COLUMN IF EXISTS operator_id');
  await knex.raw(
    'ALTER TABLE operators DROP COLUMN IF EXISTS routing_url, DROP COLUMN IF EXISTS supported_apis',
  );
}
