import type { Knex } from 'knex';

/**
 * Records one use of an AggregatorAccessToken (single-use NV tokens). JWT access tokens
 * never reach oidc-provider's adapter, so spent `jti`s live here until they expire.
 * Returns false when the token was already used.
 */
export async function spendAccessToken(knex: Knex, jti: string, exp: number): Promise<boolean> {
  const rows = await knex('access_token_uses')
    .insert({ jti, expires_at: new Date(exp * 1000) })
    .onConflict('jti')
    .ignore()
    .returning('jti');
  return rows.length === 1;
}

/**
 * Forgets one use (single-use NV tokens): the call it was recorded for never got an answer
 * from the operator, so the token may be used again until it expires.
 */
export async function returnAccessTokenUse(knex: Knex, jti: string): Promise<void> {
  await knex('access_token_uses').where({ jti }).delete();
}
