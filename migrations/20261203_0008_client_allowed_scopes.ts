import type { Knex } from 'knex';

// Migrations are immutable once landed and never import application code.
// Per-app allow-list of the CAMARA API scopes an app may request (NV 2.1's
// device-phone-number operation returns the phone number itself, so an admin grants it).
// Apps registered before keep every scope they could request until now; machine clients
// (no redirect URIs) request none. A row written without the column gets the verify
// operation only, the least privilege that still lets an app verify a number.
const EVERY_NV_SCOPE = JSON.stringify([
  'number-verification:verify',
  'number-verification:device-phone-number:read',
  'number-verification-verify-read',
  'number-verification-share-read',
]);
const VERIFY_ONLY = JSON.stringify([
  'number-verification:verify',
  'number-verification-verify-read',
]);

export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE clients ADD COLUMN allowed_scopes jsonb');
  await knex.raw(
    `UPDATE clients SET allowed_scopes =
       CASE WHEN jsonb_array_length(redirect_uris) > 0 THEN ?::jsonb ELSE '[]'::jsonb END`,
    [EVERY_NV_SCOPE],
  );
  await knex.raw(`
    ALTER TABLE clients
      ALTER COLUMN allowed_scopes SET DEFAULT '${VERIFY_ONLY}'::jsonb,
      ALTER COLUMN allowed_scopes SET NOT NULL,
      ADD CONSTRAINT clients_allowed_scopes_array CHECK (jsonb_typeof(allowed_scopes) = 'array')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE clients DROP COLUMN IF EXISTS allowed_scopes');
}
