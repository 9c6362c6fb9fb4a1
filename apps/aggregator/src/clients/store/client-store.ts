import type { Knex } from 'knex';
import { isStorableText } from '@switchboard/db';

export interface ClientRow {
  id: string;
  name: string;
  status: 'active' | 'disabled';
  auth_method: 'private_key_jwt' | 'client_secret_basic';
  redirect_uris: string[];
  jwks: { keys: Array<Record<string, unknown>> } | null;
  secret_enc: string | null;
  /** Set for an operator's machine client of the operator API (`/operators/v1`). */
  operator_id: string | null;
  /** The CAMARA API scopes the app may request (admins set them). */
  allowed_scopes: string[];
  /** CIBA and JWT-bearer (ICM backend flows); no redirect URIs, private_key_jwt. */
  backend: boolean;
  /** The client's JWT-bearer assertions may name a `tel:` subject. */
  trust_tel_subject: boolean;
  /** The app must send signed request objects (ICM "Signed Authentication Requests"). */
  require_signed_request_object: boolean;
  /** text[]: web origins a Telephony Binding JWT `aud` may name (operator tokens). */
  allowed_origins: string[];
  /** text[]: base64url SHA-256 APK signing-key hashes a Binding JWT `aud` may name. */
  apk_key_hashes: string[];
  created_at: Date | string;
  updated_at: Date | string;
}

export type ClientRowInput = Omit<ClientRow, 'created_at' | 'updated_at' | 'status'>;

// jsonb columns are written as JSON text: node-postgres would send a JS array as a SQL array
// (which is what the text[] columns allowed_origins and apk_key_hashes take).
const encode = (row: Partial<ClientRowInput & { status: string }>) => ({
  ...row,
  ...(row.redirect_uris ? { redirect_uris: JSON.stringify(row.redirect_uris) } : {}),
  ...(row.allowed_scopes ? { allowed_scopes: JSON.stringify(row.allowed_scopes) } : {}),
  ...(row.jwks !== undefined ? { jwks: row.jwks === null ? null : JSON.stringify(row.jwks) } : {}),
});

export async function insertClientRow(knex: Knex, row: ClientRowInput): Promise<void> {
  await knex('clients').insert(encode(row));
}

export async function getClientRow(knex: Knex, id: string): Promise<ClientRow | undefined> {
  if (!isStorableText(id)) return undefined;
  return knex('clients').where({ id }).first<ClientRow | undefined>();
}

export async function listClientRows(knex: Knex): Promise<ClientRow[]> {
  return knex('clients').orderBy('created_at').select<ClientRow[]>();
}

export async function updateClientRow(
  knex: Knex,
  id: string,
  patch: Partial<ClientRowInput & { status: 'active' | 'disabled' }>,
): Promise<void> {
  await knex('clients')
    .where({ id })
    .update({ ...encode(patch), updated_at: knex.fn.now() });
}

export async function deleteClientRow(knex: Knex, id: string): Promise<void> {
  await knex('clients').where({ id }).delete();
}
