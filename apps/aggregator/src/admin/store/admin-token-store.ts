import type { Knex } from 'knex';

export async function insertAdminToken(
  knex: Knex,
  label: string,
  tokenHash: string,
): Promise<void> {
  await knex('admin_tokens')
    .insert({ label, token_hash: tokenHash })
    .onConflict('token_hash')
    .ignore();
}

export async function adminTokenExists(knex: Knex, tokenHash: string): Promise<boolean> {
  return (await knex('admin_tokens').where({ token_hash: tokenHash }).first('id')) !== undefined;
}

export async function touchAdminToken(knex: Knex, tokenHash: string): Promise<void> {
  await knex('admin_tokens')
    .where({ token_hash: tokenHash })
    .update({ last_used_at: knex.fn.now() });
}
