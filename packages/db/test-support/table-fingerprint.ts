import type { Knex } from 'knex';

/**
 * Every table of the schema that holds state. Left out: the migrations' own bookkeeping,
 * `leases` (which process polls) and `rate_limit_counters` (request counts, written for
 * refused requests too by design).
 */
export const STATE_TABLES = [
  'operators',
  'ip_ranges',
  'msisdn_prefixes',
  'networks',
  'audit_log',
  'admin_tokens',
  'clients',
  'aggregator_keys',
  'oidc_models',
  'operator_flows',
  'operator_grants',
  'access_token_uses',
  'usage_events',
  'overlap_approvals',
  'routing_sync_state',
  'backchannel_requests',
  'assertion_uses',
] as const;

export type StateTable = (typeof STATE_TABLES)[number];

/**
 * Per table, its row count and the newest row version (`xmin`, the id of the transaction
 * that wrote the row), in one round trip: an insert or update raises the newest version, a
 * delete lowers the count. Equal fingerprints before and after a request mean it wrote
 * nothing (rejected input writes nothing: docs/security.md, "Hostile input"), at a fraction of the cost of hashing rows.
 */
export async function tableFingerprint(
  knex: Knex,
  tables: readonly StateTable[] = STATE_TABLES,
): Promise<Record<string, string>> {
  const sql = tables
    .map(
      (t) =>
        `select '${t}' as name, count(*)::int as rows, ` +
        `coalesce(max(x.xmin::text::bigint), 0)::text as newest from ${t} x`,
    )
    .join(' union all ');
  const result = await knex.raw(sql);
  const rows = (result.rows ?? result) as Array<{ name: string; rows: number; newest: string }>;
  return Object.fromEntries(rows.map((r) => [r.name, `${r.rows} rows, newest ${r.newest}`]));
}

/** All state tables but the given ones (e.g. usage_events, which meters every verified call). */
export const tablesExcept = (...excluded: StateTable[]): StateTable[] =>
  STATE_TABLES.filter((t) => !excluded.includes(t));
