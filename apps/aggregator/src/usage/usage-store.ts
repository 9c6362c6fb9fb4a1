import type { Knex } from 'knex';
import type { UsageReportRow } from '@switchboard/contracts';
import type { UsageRecord, UsageSink } from './usage-record.js';

export const USAGE_TABLE = 'usage_events';

export interface UsageReportQuery {
  /** Inclusive. */
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
  readonly clientId?: string;
  readonly operatorId?: string;
}

export interface UsageStore extends UsageSink {
  usageReport(query: UsageReportQuery): Promise<UsageReportRow[]>;
}

interface ReportDbRow {
  day: string;
  client_id: string;
  operator_id: string;
  api: string;
  calls: string | number;
  client_errors: string | number;
  server_errors: string | number;
  p50_latency_ms: string | number;
  avg_latency_ms: string | number;
}

function toRow(r: ReportDbRow): UsageReportRow {
  const calls = Number(r.calls);
  const clientErrors = Number(r.client_errors);
  const serverErrors = Number(r.server_errors);
  const errors = clientErrors + serverErrors;
  return {
    day: r.day,
    clientId: r.client_id,
    operatorId: r.operator_id,
    api: r.api,
    calls,
    errors,
    clientErrors,
    serverErrors,
    errorRate: calls === 0 ? 0 : errors / calls,
    p50LatencyMs: Number(r.p50_latency_ms),
    avgLatencyMs: Number(r.avg_latency_ms),
  };
}

async function insertBatch(knex: Knex, records: readonly UsageRecord[]): Promise<void> {
  if (records.length === 0) return;
  await knex(USAGE_TABLE)
    .insert(
      records.map((r) => ({
        record_id: r.id,
        occurred_at: r.time,
        client_id: r.clientId,
        operator_id: r.operatorId,
        api: r.api,
        api_version: r.version,
        operation: r.operation,
        status: r.status,
        latency_ms: r.latencyMs,
        correlator: r.correlator,
        token_jti: r.tokenJti ?? null,
      })),
    )
    // At-least-once delivery from the recorder, exactly once in the table.
    .onConflict('record_id')
    .ignore();
}

async function usageReport(knex: Knex, q: UsageReportQuery): Promise<UsageReportRow[]> {
  const day = knex.raw(`to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`);
  const query = knex(USAGE_TABLE)
    .select({ day, client_id: 'client_id', operator_id: 'operator_id', api: 'api' })
    .select(
      knex.raw('count(*) AS calls'),
      knex.raw('count(*) FILTER (WHERE status BETWEEN 400 AND 499) AS client_errors'),
      knex.raw('count(*) FILTER (WHERE status >= 500) AS server_errors'),
      knex.raw('percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50_latency_ms'),
      knex.raw('avg(latency_ms) AS avg_latency_ms'),
    )
    .where('occurred_at', '>=', q.from)
    .andWhere('occurred_at', '<', q.to)
    .groupByRaw('1, 2, 3, 4')
    .orderByRaw('1, 2, 3, 4');
  if (q.clientId !== undefined) query.andWhere('client_id', q.clientId);
  if (q.operatorId !== undefined) query.andWhere('operator_id', q.operatorId);
  const rows = (await query) as ReportDbRow[];
  return rows.map(toRow);
}

/** Usage events in PostgreSQL (table `usage_events`): batch insert and the daily report. */
export function createUsageStore(knex: Knex): UsageStore {
  return {
    insertBatch: (records) => insertBatch(knex, records),
    usageReport: (query) => usageReport(knex, query),
  };
}
