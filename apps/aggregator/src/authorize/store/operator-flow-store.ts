import type { Knex } from 'knex';
import { isStorableText } from '@switchboard/db';
import { runStatement } from './static-sql.js';

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
  await runStatement(knex, SAVE, [
    row.state,
    row.interaction_uid,
    row.client_id,
    row.operator_id,
    row.code_verifier,
    row.nonce,
    row.scope,
    Buffer.from(row.binding_hash),
    row.expires_at,
  ]);
}

// Static SQL: both run in every nested flow.
const SAVE = `
  INSERT INTO operator_flows (state, interaction_uid, client_id, operator_id, code_verifier,
    nonce, scope, binding_hash, expires_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (interaction_uid) DO UPDATE SET state = excluded.state,
    client_id = excluded.client_id, operator_id = excluded.operator_id,
    code_verifier = excluded.code_verifier, nonce = excluded.nonce, scope = excluded.scope,
    binding_hash = excluded.binding_hash, expires_at = excluded.expires_at`;
const TAKE = `DELETE FROM operator_flows WHERE state = ? AND expires_at > now() RETURNING *`;

/** Single use: the row is deleted as it is read, so a replayed callback finds nothing. */
export async function takeOperatorFlow(
  knex: Knex,
  state: string,
): Promise<OperatorFlowRow | undefined> {
  if (!isStorableText(state)) return undefined;
  return (await runStatement<OperatorFlowRow>(knex, TAKE, [state]))[0];
}
