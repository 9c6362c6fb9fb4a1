import type { Knex } from 'knex';

// Migrations are immutable once landed and never import application code.
// CAMARA ICM r4.2 backend flows (CIBA poll mode, JWT-bearer; docs/backend-authorization.md).
export async function up(knex: Knex): Promise<void> {
  // A backend client (a bank's fraud engine, a call centre) uses CIBA and JWT-bearer: it has
  // keys (private_key_jwt, ICM) and no redirect URIs. `trust_tel_subject`: an admin allowed
  // its JWT-bearer assertions to name a `tel:` subject (ICM: that needs trust between the two).
  await knex.raw(`
    ALTER TABLE clients
      ADD COLUMN backend boolean NOT NULL DEFAULT false,
      ADD COLUMN trust_tel_subject boolean NOT NULL DEFAULT false,
      ADD CONSTRAINT clients_backend_shape CHECK (
        NOT backend OR (auth_method = 'private_key_jwt' AND jsonb_array_length(redirect_uris) = 0)),
      ADD CONSTRAINT clients_tel_trust_backend CHECK (backend OR NOT trust_tel_subject)`);

  // One row per CIBA request in flight: Switchboard's auth_req_id (oidc-provider's
  // BackchannelAuthenticationRequest id) mapped to the operator's (sealed), with the pace
  // both sides poll at, so any aggregator process can answer any poll.
  await knex.raw(`
    CREATE TABLE backchannel_requests (
      auth_req_id text PRIMARY KEY,
      client_id text NOT NULL,
      operator_id text NOT NULL,
      operator_request_enc text NOT NULL,
      scope text NOT NULL,
      interval_seconds integer NOT NULL CHECK (interval_seconds > 0),
      poll_after timestamptz NOT NULL,
      expires_at timestamptz NOT NULL
    )`);
  await knex.raw('CREATE INDEX backchannel_requests_expires ON backchannel_requests (expires_at)');

  // JWT-bearer assertions' `jti`, single use per client across processes (ICM).
  await knex.raw(`
    CREATE TABLE assertion_uses (
      client_id text NOT NULL,
      jti text NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (client_id, jti)
    )`);
  await knex.raw('CREATE INDEX assertion_uses_expires ON assertion_uses (expires_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS assertion_uses');
  await knex.raw('DROP TABLE IF EXISTS backchannel_requests');
  await knex.raw(`
    ALTER TABLE clients
      DROP CONSTRAINT IF EXISTS clients_tel_trust_backend,
      DROP CONSTRAINT IF EXISTS clients_backend_shape,
      DROP COLUMN IF EXISTS trust_tel_subject,
      DROP COLUMN IF EXISTS backend`);
}
