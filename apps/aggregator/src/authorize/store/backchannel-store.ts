import type { Knex } from 'knex';
import { isStorableText } from '@switchboard/db';

/** A CIBA request in flight: Switchboard's auth_req_id and the operator's (sealed). */
export interface BackchannelRow {
  auth_req_id: string;
  client_id: string;
  operator_id: string;
  operator_request_enc: string;
  scope: string;
  interval_seconds: number;
  poll_after: Date;
  expires_at: Date;
}

export async function insertBackchannelRequest(knex: Knex, row: BackchannelRow): Promise<void> {
  await knex('backchannel_requests').insert(row);
}

export async function getBackchannelRequest(
  knex: Knex,
  authReqId: string,
): Promise<BackchannelRow | undefined> {
  if (!isStorableText(authReqId)) return undefined;
  const row = await knex('backchannel_requests')
    .where({ auth_req_id: authReqId })
    .first<BackchannelRow | undefined>();
  return (
    row && { ...row, poll_after: new Date(row.poll_after), expires_at: new Date(row.expires_at) }
  );
}

/**
 * Takes the right to poll the operator now (CIBA Core §7.3 `interval`): true for exactly one
 * of the processes asking once `poll_after` has passed, which then sets the next one.
 */
export async function claimPoll(
  knex: Knex,
  authReqId: string,
  now: Date,
  intervalSeconds: number,
): Promise<boolean> {
  const updated = await knex('backchannel_requests')
    .where({ auth_req_id: authReqId })
    .andWhere('poll_after', '<=', now)
    .update({
      poll_after: new Date(now.getTime() + intervalSeconds * 1000),
      interval_seconds: intervalSeconds,
    });
  return updated === 1;
}

/** The operator asked Switchboard to slow down (CIBA Core §11): a longer interval from now on. */
export async function slowDown(
  knex: Knex,
  authReqId: string,
  now: Date,
  intervalSeconds: number,
): Promise<void> {
  await knex('backchannel_requests')
    .where({ auth_req_id: authReqId })
    .update({
      poll_after: new Date(now.getTime() + intervalSeconds * 1000),
      interval_seconds: intervalSeconds,
    });
}

export async function deleteBackchannelRequest(knex: Knex, authReqId: string): Promise<void> {
  await knex('backchannel_requests').where({ auth_req_id: authReqId }).delete();
}

/** Records a JWT-bearer assertion's `jti` for its client: false when it was used already. */
export async function spendAssertionId(
  knex: Knex,
  clientId: string,
  jti: string,
  expiresAt: Date,
): Promise<boolean> {
  const inserted = await knex('assertion_uses')
    .insert({ client_id: clientId, jti, expires_at: expiresAt })
    .onConflict(['client_id', 'jti'])
    .ignore()
    .returning('jti');
  return inserted.length === 1;
}
