import type { Knex } from 'knex';

// Issue 14, the operator-token path (CAMARA NumberVerification, "Operator Token Acquisition"
// guide, Appendix B and §5; docs/operator-token.md).
export async function up(knex: Knex): Promise<void> {
  // The aggregator's OpenID4VP signing keys: a root CA (its fingerprint goes to each operator
  // for Google's allowlist) and leaves it certifies; credential_authorization_jwt is signed
  // with the newest leaf. Private keys (PKCS#8) are sealed by the master key; certificates
  // are public (base64 DER).
  await knex.raw(`
    CREATE TABLE openid4vp_keys (
      kid text PRIMARY KEY,
      role text NOT NULL CHECK (role IN ('root', 'leaf')),
      issuer_kid text REFERENCES openid4vp_keys (kid),
      private_key_enc text NOT NULL,
      certificate text NOT NULL,
      fingerprint text NOT NULL,
      not_after timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((role = 'root') = (issuer_kid IS NULL))
    )`);
  await knex.raw('CREATE INDEX openid4vp_keys_role ON openid4vp_keys (role, created_at)');

  // One row per credential request (POST /openid4vp/credentials): the ephemeral ECDH-ES
  // private key, sealed, until the app's vp_token exchange consumes (deletes) it or it expires.
  await knex.raw(`
    CREATE TABLE openid4vp_requests (
      id text PRIMARY KEY,
      client_id text NOT NULL,
      nonce text NOT NULL,
      vct text NOT NULL,
      scope text NOT NULL,
      consent_data_hash text NOT NULL,
      ephemeral_key_enc text NOT NULL,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (client_id, nonce)
    )`);
  await knex.raw('CREATE INDEX openid4vp_requests_expires ON openid4vp_requests (expires_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('openid4vp_requests');
  await knex.schema.dropTableIfExists('openid4vp_keys');
}
