import type { Knex } from 'knex';
import type { LatencySummary } from '@switchboard/contracts';

interface Percentiles {
  n: string | number;
  p50: number | null;
  p99: number | null;
}

const summary = (r: Percentiles | undefined): LatencySummary => ({
  count: Number(r?.n ?? 0),
  p50Ms: r?.p50 == null ? null : Math.round(Number(r.p50) * 10) / 10,
  p99Ms: r?.p99 == null ? null : Math.round(Number(r.p99) * 10) / 10,
});

const PERCENTILES = `percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99`;

export interface CallStats extends LatencySummary {
  readonly errors: number;
  readonly timeouts: number;
}

/**
 * Proxied calls per operator since `since` (usage_events): latency, and answers that were the
 * operator's failure — 504 TIMEOUT, and any other 5xx (502, 503 with the circuit open, 500).
 */
export async function callStats(knex: Knex, since: Date): Promise<Map<string, CallStats>> {
  const { rows } = (await knex.raw(
    `SELECT operator_id, count(*) AS n, ${PERCENTILES},
       count(*) FILTER (WHERE status >= 500 AND status <> 504) AS errors,
       count(*) FILTER (WHERE status = 504) AS timeouts
     FROM usage_events WHERE occurred_at >= ? GROUP BY operator_id`,
    [since],
  )) as { rows: Array<Percentiles & { operator_id: string; errors: string; timeouts: string }> };
  return new Map(
    rows.map((r) => [
      r.operator_id,
      { ...summary(r), errors: Number(r.errors), timeouts: Number(r.timeouts) },
    ]),
  );
}

export interface LegStats extends LatencySummary {
  readonly failed: number;
  readonly timeouts: number;
}

/** Leg events per operator and leg since `since`; latency over the legs that succeeded. */
export async function legStats(
  knex: Knex,
  since: Date,
): Promise<Map<string, Partial<Record<string, LegStats>>>> {
  const { rows } = (await knex.raw(
    `SELECT operator_id, leg,
       count(*) FILTER (WHERE outcome = 'ok') AS n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE outcome = 'ok') AS p50,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE outcome = 'ok') AS p99,
       count(*) FILTER (WHERE outcome IN ('error', 'timeout')) AS failed,
       count(*) FILTER (WHERE outcome = 'timeout') AS timeouts,
       count(*) AS total
     FROM operator_leg_events WHERE occurred_at >= ? GROUP BY operator_id, leg`,
    [since],
  )) as {
    rows: Array<
      Percentiles & {
        operator_id: string;
        leg: string;
        failed: string;
        timeouts: string;
        total: string;
      }
    >;
  };
  const out = new Map<string, Partial<Record<string, LegStats>>>();
  for (const r of rows) {
    const legs = out.get(r.operator_id) ?? {};
    legs[r.leg] = {
      ...summary(r),
      // A circuit opening has no latency: its count is the number of openings.
      ...(r.leg === 'circuit' ? { count: Number(r.total) } : {}),
      failed: Number(r.failed),
      timeouts: Number(r.timeouts),
    };
    out.set(r.operator_id, legs);
  }
  return out;
}

/** Deletes the leg events that occurred before `before`. */
export async function deleteLegEventsBefore(knex: Knex, before: Date): Promise<void> {
  await knex('operator_leg_events').where('occurred_at', '<', before).delete();
}
