import type { Knex } from 'knex';

export interface OpenId4VpRequestRow {
  id: string;
  client_id: string;
  nonce: string;
  vct: string;
  scope: string;
  consent_data_hash: string;
  ephemeral_key_enc: string;
  expires_at: Date;
}

/** False when this client already has a request with this nonce (UNIQUE (client_id, nonce)). */
export async function insertOpenId4VpRequest(
  knex: Knex,
  row: OpenId4VpRequestRow,
): Promise<boolean> {
  const inserted = await knex('openid4vp_requests')
    .insert(row)
    .onConflict(['client_id', 'nonce'])
    .ignore()
    .returning('id');
  return inserted.length === 1;
}

/** The unexpired request of `clientId` with `nonce`, without its sealed key. */
export async function findOpenId4VpRequest(
  knex: Knex,
  clientId: string,
  nonce: string,
  now: Date,
): Promise<Omit<OpenId4VpRequestRow, 'ephemeral_key_enc'> | undefined> {
  return knex('openid4vp_requests')
    .select('id', 'client_id', 'nonce', 'vct', 'scope', 'consent_data_hash', 'expires_at')
    .where({ client_id: clientId, nonce })
    .andWhere('expires_at', '>', now)
    .first();
}

/**
 * Takes the sealed ephemeral key out of the database: the row is deleted and its key returned
 * to exactly one caller, whichever process it runs in; every other caller gets undefined.
 */
export async function takeEphemeralKey(knex: Knex, id: string): Promise<string | undefined> {
  const rows = (await knex('openid4vp_requests')
    .where({ id })
    .delete()
    .returning('ephemeral_key_enc')) as Array<{ ephemeral_key_enc: string }>;
  return rows[0]?.ephemeral_key_enc;
}
