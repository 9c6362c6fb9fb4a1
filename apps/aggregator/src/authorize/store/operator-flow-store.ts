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
  /** SHA-256 of the browser binding (RFC 6749 §10.12); the value itself is only in the cookie. */
  binding_hash: Uint8Array;
  expires_at: Date;
}

/**
 * One pending operator round-trip per interaction: a repeated start replaces the previous
 * one (its state, binding and PKCE), so reloading the interaction adds no rows.
 */
export async function saveOperatorFlow(knex: Knex, row: OperatorFlowRow): Promise<void> {
  await knex('operator_flows').insert(row).onConflict('interaction_uid').merge();
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
