import type { Knex } from 'knex';

// Issue 15, the operator conformance check and scorecard (docs/operator-conformance.md).
export async function up(knex: Knex): Promise<void> {
  // The subscriber a conformance check may use at an operator: a device address the
  // aggregator's host can send from (sandboxes), and/or a tel: number its CIBA grants at once.
  await knex.raw(`
    CREATE TABLE operator_test_subscribers (
      operator_id text PRIMARY KEY REFERENCES operators (id) ON DELETE CASCADE,
      device_ip text,
      phone_number text,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  // Every run of `switchboard operators check`, with its time and each scenario's outcome.
  await knex.raw(`
    CREATE TABLE operator_conformance_results (
      id bigserial PRIMARY KEY,
      operator_id text NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
      ran_at timestamptz NOT NULL,
      passed boolean NOT NULL,
      failed_count integer NOT NULL,
      scenarios jsonb NOT NULL
    )`);
  await knex.raw(
    'CREATE INDEX operator_conformance_results_idx ON operator_conformance_results (operator_id, ran_at)',
  );
  // What metering does not record: the operator legs of authorizations and circuit openings,
  // written in batches off the request path (apps/aggregator/src/conformance/leg-recorder.ts).
  await knex.raw(`
    CREATE TABLE operator_leg_events (
      id bigserial PRIMARY KEY,
      occurred_at timestamptz NOT NULL,
      operator_id text NOT NULL,
      leg text NOT NULL,
      outcome text NOT NULL,
      latency_ms double precision
    )`);
  await knex.raw(
    'CREATE INDEX operator_leg_events_idx ON operator_leg_events (operator_id, occurred_at)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('operator_leg_events');
  await knex.schema.dropTableIfExists('operator_conformance_results');
  await knex.schema.dropTableIfExists('operator_test_subscribers');
}
