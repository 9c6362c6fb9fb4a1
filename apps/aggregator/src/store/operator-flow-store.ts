import type { Knex } from 'knex';
import { isStorableText } from '@switchboard/db';

/** An operator authorization in flight (seed Annex steps 5–13), keyed by our `state`. */
export interface OperatorFlowRow {
  state: string;
  interaction_uid: string;
  client_id: string;
  operator_id: string;
  code_verifier: string;
  nonce: string;
  scope: string;
  expires_at: Date;
}

export async function insertOperatorFlow(knex: Knex, row: OperatorFlowRow): Promise<void> {
  await knex('operator_flows').insert(row);
}

/** Single use: the row is deleted as it is read, so a replayed callback finds nothing. */
export async function takeOperatorFlow(
  knex: Knex,
  state: string,
): Promise<OperatorFlowRow | undefined> {
  if (!isStorableText(state)) return undefined;
  const rows = await knex('operator_flows')
    .where({ state })
    .andWhere('expires_at', '>', knex.fn.now())
    .delete()
    .returning<OperatorFlowRow[]>('*');
  return rows[0];
}
