import { isStorableText } from '@switchboard/db';
import type {
  ClientAuthMethod,
  Operator,
  OperatorStatus,
  ScopeStyle,
  SupportedApi,
} from '../model.js';
import type { Db } from './routing-store.js';

export interface OperatorRow {
  id: string;
  name: string;
  country: string;
  status: OperatorStatus;
  issuer_url: string;
  api_root: string;
  client_id: string;
  client_auth_method: ClientAuthMethod;
  client_credentials_enc: string;
  scope_style: ScopeStyle;
  allow_insecure_http: boolean;
  routing_url: string | null;
  supported_apis: SupportedApi[] | string;
  /** integer[]: the Android carrier ids of the operator's SIMs. */
  carrier_ids: number[];
  operator_token: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

export const iso = (d: Date | string) =>
  d instanceof Date ? d.toISOString() : new Date(d).toISOString();

export function toOperator(row: OperatorRow): Operator {
  return {
    id: row.id,
    name: row.name,
    country: row.country,
    status: row.status,
    issuerUrl: row.issuer_url,
    apiRoot: row.api_root,
    clientId: row.client_id,
    clientAuthMethod: row.client_auth_method,
    scopeStyle: row.scope_style,
    allowInsecureHttp: row.allow_insecure_http,
    routingUrl: row.routing_url,
    // jsonb arrives parsed from node-postgres; PGlite may hand back the text.
    supportedApis:
      typeof row.supported_apis === 'string'
        ? (JSON.parse(row.supported_apis) as SupportedApi[])
        : row.supported_apis,
    carrierIds: row.carrier_ids.map(Number),
    operatorToken: row.operator_token,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export async function getOperatorRow(db: Db, id: string): Promise<OperatorRow | undefined> {
  if (!isStorableText(id)) return undefined;
  return db<OperatorRow>('operators').where({ id }).first();
}

export async function listOperatorRows(db: Db): Promise<OperatorRow[]> {
  return db<OperatorRow>('operators').orderBy('id');
}

export async function insertOperatorRow(
  db: Db,
  row: Omit<OperatorRow, 'created_at' | 'updated_at'>,
): Promise<OperatorRow> {
  const [inserted] = await db<OperatorRow>('operators').insert(row).returning('*');
  return inserted!;
}

export async function updateOperatorRow(
  db: Db,
  id: string,
  patch: Partial<OperatorRow>,
): Promise<OperatorRow | undefined> {
  const [updated] = await db<OperatorRow>('operators')
    .where({ id })
    .update({ ...patch, updated_at: db.fn.now() as unknown as Date })
    .returning('*');
  return updated;
}

export async function deleteOperatorRow(db: Db, id: string): Promise<boolean> {
  return (await db('operators').where({ id }).del()) > 0;
}

export async function countRoutes(
  db: Db,
  operatorId: string,
): Promise<{ ranges: number; prefixes: number; networks: number }> {
  const { rows } = await db.raw(
    `SELECT (SELECT count(*) FROM ip_ranges WHERE operator_id = ?)::int AS ranges,
            (SELECT count(*) FROM msisdn_prefixes WHERE operator_id = ?)::int AS prefixes,
            (SELECT count(*) FROM networks WHERE operator_id = ?)::int AS networks`,
    [operatorId, operatorId, operatorId],
  );
  return rows[0];
}
