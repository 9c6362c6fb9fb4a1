import type { Knex } from 'knex';

/** One group of the overview: an hour × operator, an operator over the window, or the total. */
export interface OverviewGroup {
  /** Null on the operator and total groups. */
  readonly hour: string | null;
  /** Null on the total group, and for verifications no operator was found for. */
  readonly operatorId: string | null;
  readonly kind: 'series' | 'operator' | 'total';
}

export interface VerificationCounts extends OverviewGroup {
  readonly verifications: number;
  readonly verificationsOk: number;
}

export interface CallCounts extends OverviewGroup {
  readonly calls: number;
  readonly callsOk: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/**
 * One row per verification: started when its first step began, ok when its last step is ok
 * and it reached `token` (docs/console.md). `occurred_at` is when a step ended, so a step began
 * `duration_ms` earlier. Reads the verification ids of a CTE `ids` written before it.
 */
export const VERIFICATION_ROWS = `
  v AS (
    SELECT s.verification_id,
      min(s.occurred_at - s.duration_ms * interval '1 millisecond') AS started_at,
      max(s.occurred_at) AS ended_at,
      max(s.client_id) AS client_id,
      max(s.operator_id) AS operator_id,
      max(s.trace_id) AS trace_id,
      (array_agg(s.outcome ORDER BY s.occurred_at DESC, s.id DESC))[1] = 'ok'
        AND bool_or(s.step = 'token' AND s.outcome = 'ok') AS ok,
      (array_agg(s.step ORDER BY s.occurred_at DESC, s.id DESC)
        FILTER (WHERE s.outcome = 'error'))[1] AS failed_step,
      (array_agg(s.error ORDER BY s.occurred_at DESC, s.id DESC)
        FILTER (WHERE s.outcome = 'error'))[1] AS error
    FROM verification_steps s JOIN ids USING (verification_id)
    GROUP BY s.verification_id
  )`;

/** The `ids` of VERIFICATION_ROWS: verifications with a step in [:from, :to). */
export const IDS_IN_WINDOW = `
  ids AS (
    SELECT DISTINCT verification_id FROM verification_steps
    WHERE occurred_at >= :from AND occurred_at < :to
  )`;

const GROUPS = `GROUPING SETS ((hour, operator_id), (operator_id), ())`;
const groupKind = (gHour: number | string, gOperator: number | string): OverviewGroup['kind'] =>
  Number(gHour) === 0 ? 'series' : Number(gOperator) === 0 ? 'operator' : 'total';

const ms = (v: unknown) => (v == null ? null : Math.round(Number(v) * 10) / 10);
const isoOrNull = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

interface GroupRow {
  g_hour: number | string;
  g_operator: number | string;
  hour: Date | string | null;
  operator_id: string | null;
}

/** Verifications by hour started × operator, by operator, and in total. */
export async function verificationCounts(
  knex: Knex,
  from: Date,
  to: Date,
): Promise<VerificationCounts[]> {
  const { rows } = (await knex.raw(
    `WITH ${IDS_IN_WINDOW}, ${VERIFICATION_ROWS},
     h AS (SELECT date_trunc('hour', started_at, 'UTC') AS hour, operator_id, ok FROM v)
     SELECT GROUPING(hour) AS g_hour, GROUPING(operator_id) AS g_operator, hour, operator_id,
       count(*) AS n, count(*) FILTER (WHERE ok) AS n_ok
     FROM h GROUP BY ${GROUPS} ORDER BY hour NULLS LAST, operator_id NULLS LAST`,
    { from, to },
  )) as { rows: Array<GroupRow & { n: string; n_ok: string }> };
  return rows.map((r) => ({
    kind: groupKind(r.g_hour, r.g_operator),
    hour: isoOrNull(r.hour),
    operatorId: r.operator_id,
    verifications: Number(r.n),
    verificationsOk: Number(r.n_ok),
  }));
}

/**
 * Proxied calls (usage_events) by hour × operator, by operator, and in total; ok is an answer
 * below 400; latency percentiles over every call.
 */
export async function callCounts(knex: Knex, from: Date, to: Date): Promise<CallCounts[]> {
  const { rows } = (await knex.raw(
    `WITH h AS (
       SELECT date_trunc('hour', occurred_at, 'UTC') AS hour, operator_id, status, latency_ms
       FROM usage_events WHERE occurred_at >= :from AND occurred_at < :to)
     SELECT GROUPING(hour) AS g_hour, GROUPING(operator_id) AS g_operator, hour, operator_id,
       count(*) AS n, count(*) FILTER (WHERE status < 400) AS n_ok,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99
     FROM h GROUP BY ${GROUPS} ORDER BY hour NULLS LAST, operator_id NULLS LAST`,
    { from, to },
  )) as { rows: Array<GroupRow & { n: string; n_ok: string; p50: unknown; p99: unknown }> };
  return rows.map((r) => ({
    kind: groupKind(r.g_hour, r.g_operator),
    hour: isoOrNull(r.hour),
    operatorId: r.operator_id,
    calls: Number(r.n),
    callsOk: Number(r.n_ok),
    p50Ms: ms(r.p50),
    p99Ms: ms(r.p99),
  }));
}
