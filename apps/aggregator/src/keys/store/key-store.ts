import type { Knex } from 'knex';
import type { KeyUse } from '@switchboard/contracts';

export interface KeyRow {
  kid: string;
  use: KeyUse;
  material_enc: string;
  status: 'active' | 'retired';
  created_at: Date | string;
  retired_at: Date | string | null;
}

export async function insertKeyRow(
  knex: Knex,
  row: Pick<KeyRow, 'kid' | 'use' | 'material_enc'>,
): Promise<void> {
  await knex('aggregator_keys').insert(row);
}

/** Newest first. */
export async function listKeyRows(
  knex: Knex,
  use?: KeyUse,
  status?: KeyRow['status'],
): Promise<KeyRow[]> {
  const q = knex('aggregator_keys').orderBy([
    { column: 'created_at', order: 'desc' },
    { column: 'kid', order: 'desc' },
  ]);
  if (use) q.where({ use });
  if (status) q.where({ status });
  return q.select<KeyRow[]>();
}

export async function retireKeyRow(knex: Knex, kid: string): Promise<void> {
  await knex('aggregator_keys')
    .where({ kid, status: 'active' })
    .update({ status: 'retired', retired_at: knex.fn.now() });
}

/** Serialises key bootstrap across processes sharing one database. */
export async function withKeyLock<T>(knex: Knex, work: (trx: Knex.Transaction) => Promise<T>) {
  return knex.transaction(async (trx) => {
    await trx.raw('LOCK TABLE aggregator_keys IN SHARE ROW EXCLUSIVE MODE');
    return work(trx);
  });
}
