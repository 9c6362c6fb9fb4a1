import type { Knex } from 'knex';

// Issue 14, the Number Verification operator-token path (CAMARA NumberVerification,
// documentation/SupportingDocuments/"CAMARA Number Verification — Operator Token Acquisition.md").
// Migrations are immutable once landed and never import application code.
export async function up(knex: Knex): Promise<void> {
  // The Android carrier ids (`android_carrier_hint`) an operator's SIMs report, and whether
  // the operator offers operator tokens (TS.43 temp_token) at all: what decides eligibility.
  await knex.raw(`
    ALTER TABLE operators
      ADD COLUMN carrier_ids integer[] NOT NULL DEFAULT '{}',
      ADD COLUMN operator_token boolean NOT NULL DEFAULT false`);
  // The web origins and Android APK signing-key hashes an app's Telephony Binding JWT `aud`
  // may name (`android:apk-key-hash:<h>`).
  await knex.raw(`
    ALTER TABLE clients
      ADD COLUMN allowed_origins text[] NOT NULL DEFAULT '{}',
      ADD COLUMN apk_key_hashes text[] NOT NULL DEFAULT '{}'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'ALTER TABLE clients DROP COLUMN IF EXISTS apk_key_hashes, DROP COLUMN IF EXISTS allowed_origins',
  );
  await knex.raw(
    'ALTER TABLE operators DROP COLUMN IF EXISTS operator_token, DROP COLUMN IF EXISTS carrier_ids',
  );
}
