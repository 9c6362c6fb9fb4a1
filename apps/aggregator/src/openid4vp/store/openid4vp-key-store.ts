import type { Knex } from 'knex';

export interface OpenId4VpKeyRow {
  kid: string;
  role: 'root' | 'leaf';
  issuer_kid: string | null;
  private_key_enc: string;
  certificate: string;
  fingerprint: string;
  not_after: Date | string;
  created_at: Date | string;
}

export async function insertOpenId4VpKey(
  knex: Knex,
  row: Omit<OpenId4VpKeyRow, 'created_at'>,
): Promise<void> {
  await knex('openid4vp_keys').insert(row);
}

/** Newest first. */
export async function listOpenId4VpKeys(
  knex: Knex,
  role?: OpenId4VpKeyRow['role'],
): Promise<OpenId4VpKeyRow[]> {
  const q = knex('openid4vp_keys').orderBy([
    { column: 'created_at', order: 'desc' },
    { column: 'kid', order: 'desc' },
  ]);
  if (role) q.where({ role });
  return q.select<OpenId4VpKeyRow[]>();
}

export async function getOpenId4VpKey(
  knex: Knex,
  kid: string,
): Promise<OpenId4VpKeyRow | undefined> {
  return knex('openid4vp_keys').where({ kid }).first<OpenId4VpKeyRow | undefined>();
}

/** Serialises key creation across processes sharing one database (first boot, rotation). */
export async function withOpenId4VpKeyLock<T>(
  knex: Knex,
  work: (trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  return knex.transaction(async (trx) => {
    await trx.raw('LOCK TABLE openid4vp_keys IN SHARE ROW EXCLUSIVE MODE');
    return work(trx);
  });
}
