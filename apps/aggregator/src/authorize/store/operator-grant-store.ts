import type { Knex } from 'knex';

export interface OperatorGrantRow {
  grant_id: string;
  client_id: string;
  operator_id: string;
  api_root: string;
  scope: string;
  access_token_enc: string;
  expires_at: Date;
}

export async function insertOperatorGrant(knex: Knex, row: OperatorGrantRow): Promise<void> {
  await knex('operator_grants').insert(row);
}

export async function getOperatorGrant(
  knex: Knex,
  grantId: string,
): Promise<OperatorGrantRow | undefined> {
  return knex('operator_grants').where({ grant_id: grantId }).first<OperatorGrantRow | undefined>();
}

export async function deleteOperatorGrant(knex: Knex, grantId: string): Promise<void> {
  await knex('operator_grants').where({ grant_id: grantId }).delete();
}
