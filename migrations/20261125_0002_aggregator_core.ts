import type { Knex } from 'knex';

// Migrations are immutable once landed and never import application code.

export async function up(knex: Knex): Promise<void> {
  // Service providers (the apps) as OIDC clients of the aggregator.
  await knex.raw(`
    CREATE TABLE clients (
      id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._~-]{8,128}$'),
      name text NOT NULL,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
      auth_method text NOT NULL CHECK (auth_method IN ('private_key_jwt', 'client_secret_basic')),
      redirect_uris jsonb NOT NULL,
      -- Public keys only (private_key_jwt); the private key is shown once and never stored.
      jwks jsonb,
      -- Secret-box envelope of the client secret (client_secret_basic); never plaintext.
      secret_enc text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((auth_method = 'private_key_jwt') = (jwks IS NOT NULL)),
      CHECK ((auth_method = 'client_secret_basic') = (secret_enc IS NOT NULL))
    )`);

  // Every oidc-provider model (sessions, interactions, codes, grants, replay detection…),
  // so any aggregator process can serve any step of a flow.
  await knex.raw(`
    CREATE TABLE oidc_models (
      model text NOT NULL,
      id text NOT NULL,
      payload jsonb NOT NULL,
      grant_id text,
      user_code text,
      uid text,
      expires_at timestamptz,
      consumed_at timestamptz,
      PRIMARY KEY (model, id)
    )`);
  await knex.raw('CREATE INDEX oidc_models_grant ON oidc_models (grant_id)');
  await knex.raw('CREATE INDEX oidc_models_uid ON oidc_models (model, uid)');
  await knex.raw('CREATE INDEX oidc_models_expires ON oidc_models (expires_at)');

  // Key material sealed by the master key: token encryption keys (kid-rotated), the
  // provider's ID-token signing key, the cookie key and the pairwise-subject secret.
  await knex.raw(`
    CREATE TABLE aggregator_keys (
      kid text PRIMARY KEY,
      use text NOT NULL CHECK (use IN ('token-encryption', 'id-token-signing', 'cookie', 'pairwise')),
      material_enc text NOT NULL,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
      created_at timestamptz NOT NULL DEFAULT now(),
      retired_at timestamptz
    )`);
  await knex.raw('CREATE INDEX aggregator_keys_use ON aggregator_keys (use, created_at)');

  // One row per in-flight operator authorization (nested flow, steps 5–13).
  await knex.raw(`
    CREATE TABLE operator_flows (
      state text PRIMARY KEY,
      interaction_uid text NOT NULL,
      client_id text NOT NULL,
      operator_id text NOT NULL,
      code_verifier text NOT NULL,
      nonce text NOT NULL,
      scope text NOT NULL,
      expires_at timestamptz NOT NULL
    )`);
  await knex.raw('CREATE INDEX operator_flows_expires ON operator_flows (expires_at)');

  // The OperatorAccessToken, sealed, bound to the aggregator grant it was obtained for.
  await knex.raw(`
    CREATE TABLE operator_grants (
      grant_id text PRIMARY KEY,
      client_id text NOT NULL,
      operator_id text NOT NULL,
      api_root text NOT NULL,
      scope text NOT NULL,
      access_token_enc text NOT NULL,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw('CREATE INDEX operator_grants_expires ON operator_grants (expires_at)');

  // Spent AggregatorAccessToken ids, for single-use tokens (NV: a setting).
  await knex.raw(`
    CREATE TABLE access_token_uses (
      jti text PRIMARY KEY,
      expires_at timestamptz NOT NULL,
      used_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw('CREATE INDEX access_token_uses_expires ON access_token_uses (expires_at)');
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'access_token_uses',
    'operator_grants',
    'operator_flows',
    'aggregator_keys',
    'oidc_models',
    'clients',
  ])
    await knex.schema.dropTableIfExists(table);
}
