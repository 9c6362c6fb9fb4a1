import type { RouteKind } from '@switchboard/contracts';
import type { Db } from './routing-store.js';

/** A stored dynamic route (GSMA OPG.10 "Dynamic Routing"); `value` is canonical. */
export interface DynamicRouteRecord {
  kind: 'range' | 'prefix' | 'network';
  value: string;
  operatorId: string;
  telcoFinder: string;
  authProviderConfiguration?: string;
}

/** The dynamic-route kind of each route kind of the admin and operator APIs. */
export const DYNAMIC_KIND: Record<RouteKind, DynamicRouteRecord['kind']> = {
  ranges: 'range',
  prefixes: 'prefix',
  networks: 'network',
};

interface Row {
  kind: DynamicRouteRecord['kind'];
  value: string;
  operator_id: string;
  telco_finder_url: string;
  auth_provider_configuration: string | null;
}

const toRecord = (r: Row): DynamicRouteRecord => ({
  kind: r.kind,
  value: r.value,
  operatorId: r.operator_id,
  telcoFinder: r.telco_finder_url,
  ...(r.auth_provider_configuration === null
    ? {}
    : { authProviderConfiguration: r.auth_provider_configuration }),
});

export async function listDynamicRoutes(
  db: Db,
  operatorId?: string,
): Promise<DynamicRouteRecord[]> {
  const q = db<Row>('dynamic_routes').select('*').orderBy(['kind', 'value']);
  if (operatorId !== undefined) void q.where({ operator_id: operatorId });
  return ((await q) as Row[]).map(toRecord);
}

/** Marks routes dynamic (or re-points them); a value another operator marked is taken over. */
export async function upsertDynamicRoutes(db: Db, records: DynamicRouteRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db('dynamic_routes')
    .insert(
      records.map((r) => ({
        kind: r.kind,
        value: r.value,
        operator_id: r.operatorId,
        telco_finder_url: r.telcoFinder,
        auth_provider_configuration: r.authProviderConfiguration ?? null,
      })),
    )
    .onConflict(['kind', 'value'])
    .merge(['operator_id', 'telco_finder_url', 'auth_provider_configuration']);
}

/** Makes routes static again; answers how many were dynamic. */
export async function deleteDynamicRoutes(
  db: Db,
  kind: DynamicRouteRecord['kind'],
  values: string[],
): Promise<number> {
  if (values.length === 0) return 0;
  return db('dynamic_routes').where({ kind }).whereIn('value', values).delete();
}

export async function deleteOperatorDynamicRoutes(db: Db, operatorId: string): Promise<number> {
  return db('dynamic_routes').where({ operator_id: operatorId }).delete();
}
