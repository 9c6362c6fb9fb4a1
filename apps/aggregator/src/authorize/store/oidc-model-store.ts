import type { Knex } from 'knex';
import { isStorableText } from '@switchboard/db';

/** Rows of the `oidc_models` table: one per oidc-provider model instance. */
export interface OidcModelRecord {
  payload: Record<string, unknown>;
  /** Epoch seconds of consumption (codes are single use), if consumed. */
  consumedAt: number | undefined;
}

export async function upsertOidcModel(
  knex: Knex,
  model: string,
  id: string,
  payload: Record<string, unknown>,
  expiresInSeconds: number | undefined,
): Promise<void> {
  const expiresAt = expiresInSeconds ? new Date(Date.now() + expiresInSeconds * 1000) : null;
  await knex('oidc_models')
    .insert({
      model,
      id,
      payload: JSON.stringify(payload),
      grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
      user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
      uid: typeof payload.uid === 'string' ? payload.uid : null,
      expires_at: expiresAt,
    })
    .onConflict(['model', 'id'])
    .merge(['payload', 'grant_id', 'user_code', 'uid', 'expires_at']);
}

type Where = { id: string } | { uid: string } | { user_code: string };

export async function findOidcModel(
  knex: Knex,
  model: string,
  where: Where,
): Promise<OidcModelRecord | undefined> {
  if (!Object.values(where).every(isStorableText)) return undefined;
  const row = await knex('oidc_models')
    .where({ model, ...where })
    .andWhere((q) => q.whereNull('expires_at').orWhere('expires_at', '>', knex.fn.now()))
    .first<{ payload: Record<string, unknown>; consumed_at: Date | null } | undefined>(
      'payload',
      'consumed_at',
    );
  if (!row) return undefined;
  const consumedAt = row.consumed_at
    ? Math.floor(new Date(row.consumed_at).getTime() / 1000)
    : undefined;
  return { payload: row.payload, consumedAt };
}

export async function consumeOidcModel(knex: Knex, model: string, id: string): Promise<void> {
  await knex('oidc_models').where({ model, id }).update({ consumed_at: knex.fn.now() });
}

export async function destroyOidcModel(knex: Knex, model: string, id: string): Promise<void> {
  await knex('oidc_models').where({ model, id }).delete();
}

export async function revokeOidcModelsByGrant(
  knex: Knex,
  model: string,
  grantId: string,
): Promise<void> {
  await knex('oidc_models').where({ model, grant_id: grantId }).delete();
}

/** Expiry cleanup for every short-lived table of the aggregator core. */
export async function deleteExpiredFlowState(knex: Knex): Promise<void> {
  for (const table of [
    'oidc_models',
    'operator_flows',
    'operator_grants',
    'access_token_uses',
    'backchannel_requests',
    'assertion_uses',
    'openid4vp_requests',
  ])
    await knex(table).where('expires_at', '<=', knex.fn.now()).delete();
}

/** The port the oidc adapter uses, so nothing outside store/ needs knex. */
export interface OidcModelStore {
  upsert(model: string, id: string, payload: Record<string, unknown>, ttl?: number): Promise<void>;
  find(model: string, where: Where): Promise<OidcModelRecord | undefined>;
  consume(model: string, id: string): Promise<void>;
  destroy(model: string, id: string): Promise<void>;
  revokeByGrantId(model: string, grantId: string): Promise<void>;
}

export function createOidcModelStore(knex: Knex): OidcModelStore {
  return {
    upsert: (model, id, payload, ttl) => upsertOidcModel(knex, model, id, payload, ttl),
    find: (model, where) => findOidcModel(knex, model, where),
    consume: (model, id) => consumeOidcModel(knex, model, id),
    destroy: (model, id) => destroyOidcModel(knex, model, id),
    revokeByGrantId: (model, grantId) => revokeOidcModelsByGrant(knex, model, grantId),
  };
}
