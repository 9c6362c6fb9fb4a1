import type { Knex } from 'knex';

export interface RouteCounts {
  readonly ipRanges: number;
  readonly msisdnPrefixes: number;
  readonly networks: number;
}

/** How many IP ranges, MSISDN prefixes and networks each operator serves. */
export async function routeCounts(knex: Knex): Promise<Map<string, RouteCounts>> {
  const { rows } = (await knex.raw(
    `SELECT operator_id, 'ipRanges' AS kind, count(*) AS n FROM ip_ranges GROUP BY operator_id
     UNION ALL
     SELECT operator_id, 'msisdnPrefixes', count(*) FROM msisdn_prefixes GROUP BY operator_id
     UNION ALL
     SELECT operator_id, 'networks', count(*) FROM networks GROUP BY operator_id`,
  )) as { rows: Array<{ operator_id: string; kind: keyof RouteCounts; n: string | number }> };
  const out = new Map<string, { ipRanges: number; msisdnPrefixes: number; networks: number }>();
  for (const r of rows) {
    const counts = out.get(r.operator_id) ?? { ipRanges: 0, msisdnPrefixes: 0, networks: 0 };
    counts[r.kind] = Number(r.n);
    out.set(r.operator_id, counts);
  }
  return out;
}

/** When each operator's GSMA routing table was last read successfully (routing sync). */
export async function lastRoutingSyncs(knex: Knex): Promise<Map<string, string | null>> {
  const rows = (await knex('routing_sync_state').select(
    'operator_id',
    'last_success_at',
  )) as Array<{
    operator_id: string;
    last_success_at: Date | string | null;
  }>;
  return new Map(
    rows.map((r) => [
      r.operator_id,
      r.last_success_at == null ? null : new Date(r.last_success_at).toISOString(),
    ]),
  );
}
