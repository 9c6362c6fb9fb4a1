import type { Knex } from 'knex';

// Issue 17, seeing what happens: the steps of each verification, for the console's
// verification lookup (docs/console.md). One row per step of one aggregator authorization,
// from /authorize (or a backend request) to its AggregatorAccessToken; written in batches off
// the request path. Never a token, secret, phone number or full device address.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE verification_steps (
      id bigserial PRIMARY KEY,
      verification_id text NOT NULL,
      occurred_at timestamptz NOT NULL,
      step text NOT NULL,
      client_id text NOT NULL,
      operator_id text,
      outcome text NOT NULL CHECK (outcome IN ('ok', 'error')),
      error text,
      duration_ms double precision NOT NULL,
      correlator text,
      token_jti text,
      trace_id text
    )`);
  await knex.raw(
    'CREATE INDEX verification_steps_verification_idx ON verification_steps (verification_id)',
  );
  await knex.raw(
    'CREATE INDEX verification_steps_occurred_idx ON verification_steps (occurred_at)',
  );
  await knex.raw(
    'CREATE INDEX verification_steps_correlator_idx ON verification_steps (correlator) WHERE correlator IS NOT NULL',
  );
  await knex.raw(
    'CREATE INDEX verification_steps_jti_idx ON verification_steps (token_jti) WHERE token_jti IS NOT NULL',
  );
  // A proxied call names the token it spent, so a call's x-correlator leads to its verification.
  await knex.raw('ALTER TABLE usage_events ADD COLUMN token_jti text');
  await knex.raw(
    'CREATE INDEX usage_events_jti_idx ON usage_events (token_jti) WHERE token_jti IS NOT NULL',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE usage_events DROP COLUMN IF EXISTS token_jti');
  await knex.schema.dropTableIfExists('verification_steps');
}
