import type { Knex } from 'knex';
import { isStorableText } from '@switchboard/db';

export interface ConsoleClient {
  readonly clientId: string;
  readonly name: string;
}

export interface DailyUsage {
  readonly day: string;
  readonly clientId: string;
  readonly operatorId: string;
  readonly api: string;
  readonly calls: number;
  readonly callsOk: number;
}

/** Every registered client, by name: id and name only (no keys, secrets or redirect URIs). */
export async function listClientNames(knex: Knex): Promise<ConsoleClient[]> {
  const rows = (await knex('clients')
    .select('id', 'name')
    .orderBy([{ column: 'name' }, { column: 'id' }])) as Array<{ id: string; name: string }>;
  return rows.map((r) => ({ clientId: r.id, name: r.name }));
}

/** Proxied calls per UTC day × client × operator × API in [from, to); ok is an answer below 400. */
export async function dailyUsage(
  knex: Knex,
  q: { from: Date; to: Date; clientId?: string },
): Promise<DailyUsage[]> {
  if (q.clientId !== undefined && !isStorableText(q.clientId)) return [];
  const query = knex('usage_events')
    .select(
      knex.raw(`to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day`),
      'client_id',
      'operator_id',
      'api',
      knex.raw('count(*) AS calls'),
      knex.raw('count(*) FILTER (WHERE status < 400) AS calls_ok'),
    )
    .where('occurred_at', '>=', q.from)
    .andWhere('occurred_at', '<', q.to)
    .groupByRaw('1, 2, 3, 4')
    .orderByRaw('1, 2, 3, 4');
  if (q.clientId !== undefined) query.andWhere('client_id', q.clientId);
  const rows = (await query) as Array<{
    day: string;
    client_id: string;
    operator_id: string;
    api: string;
    calls: string | number;
    calls_ok: string | number;
  }>;
  return rows.map((r) => ({
    day: r.day,
    clientId: r.client_id,
    operatorId: r.operator_id,
    api: r.api,
    calls: Number(r.calls),
    callsOk: Number(r.calls_ok),
  }));
}
