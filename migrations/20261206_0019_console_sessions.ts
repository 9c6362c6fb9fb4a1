import type { Knex } from 'knex';

// Issue 17, the web console (docs/console.md): browser sessions of admins, the one-time sign-in
// links the CLI prints, and the failed sign-ins that throttle token guessing. Only hashes of
// session ids, codes and source addresses are stored.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE console_sessions (
      id_hash text PRIMARY KEY,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL
    )`);
  await knex.raw('CREATE INDEX console_sessions_expires_idx ON console_sessions (expires_at)');
  await knex.raw(`
    CREATE TABLE console_login_codes (
      code_hash text PRIMARY KEY,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    )`);
  await knex.raw(`
    CREATE TABLE console_signin_failures (
      id bigserial PRIMARY KEY,
      source text NOT NULL,
      occurred_at timestamptz NOT NULL
    )`);
  await knex.raw(
    'CREATE INDEX console_signin_failures_source_idx ON console_signin_failures (source, occurred_at)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('console_signin_failures');
  await knex.schema.dropTableIfExists('console_login_codes');
  await knex.schema.dropTableIfExists('console_sessions');
}
