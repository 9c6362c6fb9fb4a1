import type { Knex } from 'knex';

// Migrations are immutable once landed and never import application code.

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('operators', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.string('country', 2).notNullable();
    t.text('status').notNullable().defaultTo('active');
    t.text('issuer_url').notNullable();
    t.text('api_root').notNullable();
    t.text('client_id').notNullable();
    t.text('client_auth_method').notNullable();
    // Encrypted (AES-256-GCM envelope) client secret or private JWK; never plaintext.
    t.text('client_credentials_enc').notNullable();
    t.text('scope_style').notNullable().defaultTo('camara');
    t.boolean('allow_insecure_http').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`
    ALTER TABLE operators
      ADD CONSTRAINT operators_id_format CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      ADD CONSTRAINT operators_status CHECK (status IN ('active', 'disabled')),
      ADD CONSTRAINT operators_client_auth CHECK (client_auth_method IN ('client_secret_basic', 'private_key_jwt')),
      ADD CONSTRAINT operators_scope_style CHECK (scope_style IN ('camara', 'dpv-hash'))`);

  await knex.raw(`
    CREATE TABLE ip_ranges (
      id bigserial PRIMARY KEY,
      operator_id text NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
      range cidr NOT NULL UNIQUE,
      allow_overlap boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  // GiST inet_ops serves `range >>= ip` (the SQL reference path) and `&&` (overlap checks).
  await knex.raw('CREATE INDEX ip_ranges_range_gist ON ip_ranges USING gist (range inet_ops)');
  await knex.raw('CREATE INDEX ip_ranges_operator ON ip_ranges (operator_id)');

  await knex.raw(`
    CREATE TABLE msisdn_prefixes (
      id bigserial PRIMARY KEY,
      operator_id text NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
      prefix text NOT NULL UNIQUE CHECK (prefix ~ '^[1-9][0-9]{0,14}$'),
      allow_overlap boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw('CREATE INDEX msisdn_prefixes_operator ON msisdn_prefixes (operator_id)');

  await knex.raw(`
    CREATE TABLE networks (
      id bigserial PRIMARY KEY,
      operator_id text NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
      mcc_mnc text NOT NULL UNIQUE CHECK (mcc_mnc ~ '^[0-9]{5,6}$'),
      created_at timestamptz NOT NULL DEFAULT now()
    )`);

  await knex.raw(`
    CREATE TABLE admin_tokens (
      id bigserial PRIMARY KEY,
      label text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz
    )`);

  await knex.raw(`
    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      action text NOT NULL,
      operator_id text,
      target text,
      detail jsonb NOT NULL DEFAULT '{}'::jsonb
    )`);
  await knex.raw('CREATE INDEX audit_log_operator_at ON audit_log (operator_id, at)');
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'audit_log',
    'admin_tokens',
    'networks',
    'msisdn_prefixes',
    'ip_ranges',
    'operators',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
