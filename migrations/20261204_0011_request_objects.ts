import type { Knex } from 'knex';

// Migrations are immutable once landed and never import application code.
// CAMARA ICM r4.2 "Signed Authentication Requests" (docs/standards.md, issue 15 point 2).
export async function up(knex: Knex): Promise<void> {
  // An app an admin requires to send signed request objects (oidc-provider's
  // `require_signed_request_object` client metadata). Only an authorization_code app with keys
  // (private_key_jwt, ICM) signs them.
  await knex.raw(`
    ALTER TABLE clients
      ADD COLUMN require_signed_request_object boolean NOT NULL DEFAULT false,
      ADD CONSTRAINT clients_signed_request_shape CHECK (
        NOT require_signed_request_object OR (
          NOT backend AND auth_method = 'private_key_jwt'
          AND jsonb_array_length(redirect_uris) > 0))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE clients
      DROP CONSTRAINT IF EXISTS clients_signed_request_shape,
      DROP COLUMN IF EXISTS require_signed_request_object`);
}
