import type { Knex } from 'knex';
import { isStorableText } from '@switchboard/db';
import { IDS_IN_WINDOW, VERIFICATION_ROWS } from './console-overview-store.js';

export interface VerificationSummary {
  readonly verificationId: string;
  readonly clientId: string;
  readonly operatorId: string | null;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly outcome: 'ok' | 'error';
  readonly failedStep: string | null;
  readonly error: string | null;
  readonly traceId: string | null;
}

export interface VerificationStepRow {
  readonly step: string;
  readonly occurredAt: string;
  readonly durationMs: number;
  readonly outcome: 'ok' | 'error';
  readonly error: string | null;
  readonly correlator: string | null;
}

export interface VerificationCallRow {
  readonly occurredAt: string;
  readonly api: string;
  readonly operation: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly correlator: string;
}

interface SummaryRow {
  verification_id: string;
  client_id: string;
  operator_id: string | null;
  started_at: Date | string;
  ended_at: Date | string;
  ok: boolean;
  failed_step: string | null;
  error: string | null;
  trace_id: string | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();

function toSummary(r: SummaryRow): VerificationSummary {
  return {
    verificationId: r.verification_id,
    clientId: r.client_id,
    operatorId: r.operator_id,
    startedAt: iso(r.started_at),
    durationMs: Math.max(
      0,
      Math.round(new Date(r.ended_at).getTime() - new Date(r.started_at).getTime()),
    ),
    outcome: r.ok ? 'ok' : 'error',
    failedStep: r.ok ? null : r.failed_step,
    error: r.ok ? null : r.error,
    traceId: r.trace_id,
  };
}

/** Newest first; in [from, to), optionally only one outcome. */
export async function listVerifications(
  knex: Knex,
  q: { from: Date; to: Date; outcome?: 'ok' | 'error'; limit: number },
): Promise<VerificationSummary[]> {
  const outcome = q.outcome === undefined ? '' : q.outcome === 'ok' ? 'WHERE ok' : 'WHERE NOT ok';
  const { rows } = (await knex.raw(
    `WITH ${IDS_IN_WINDOW}, ${VERIFICATION_ROWS}
     SELECT * FROM v ${outcome} ORDER BY started_at DESC, verification_id LIMIT :limit`,
    { from: q.from, to: q.to, limit: q.limit },
  )) as { rows: SummaryRow[] };
  return rows.map(toSummary);
}

/**
 * The verifications an x-correlator names: one of their steps carries it, or a proxied call
 * made with their token (usage_events.token_jti) does.
 */
export async function verificationsByCorrelator(
  knex: Knex,
  correlator: string,
  limit: number,
): Promise<VerificationSummary[]> {
  if (!isStorableText(correlator)) return [];
  const { rows } = (await knex.raw(
    `WITH ids AS (
       SELECT verification_id FROM verification_steps WHERE correlator = :c
       UNION
       SELECT s.verification_id FROM verification_steps s
       JOIN usage_events u ON u.token_jti = s.token_jti
       WHERE u.correlator = :c AND s.token_jti IS NOT NULL
     ),
     ${VERIFICATION_ROWS}
     SELECT * FROM v ORDER BY started_at DESC, verification_id LIMIT :limit`,
    { c: correlator, limit },
  )) as { rows: SummaryRow[] };
  return rows.map(toSummary);
}

export async function findVerification(
  knex: Knex,
  verificationId: string,
): Promise<
  | { summary: VerificationSummary; steps: VerificationStepRow[]; calls: VerificationCallRow[] }
  | undefined
> {
  if (!isStorableText(verificationId)) return undefined;
  const { rows } = (await knex.raw(
    `WITH ids AS (SELECT CAST(:id AS text) AS verification_id),
     ${VERIFICATION_ROWS}
     SELECT * FROM v`,
    { id: verificationId },
  )) as { rows: SummaryRow[] };
  const row = rows[0];
  if (!row) return undefined;
  const steps = (await knex('verification_steps')
    .where({ verification_id: verificationId })
    .orderBy([{ column: 'occurred_at' }, { column: 'id' }])
    .select('step', 'occurred_at', 'duration_ms', 'outcome', 'error', 'correlator')) as Array<{
    step: string;
    occurred_at: Date | string;
    duration_ms: number | string;
    outcome: 'ok' | 'error';
    error: string | null;
    correlator: string | null;
  }>;
  const calls = (await knex('usage_events')
    .whereIn(
      'token_jti',
      knex('verification_steps')
        .where({ verification_id: verificationId })
        .whereNotNull('token_jti')
        .select('token_jti'),
    )
    .orderBy([{ column: 'occurred_at' }, { column: 'id' }])
    .select('occurred_at', 'api', 'operation', 'status', 'latency_ms', 'correlator')) as Array<{
    occurred_at: Date | string;
    api: string;
    operation: string;
    status: number;
    latency_ms: number | string;
    correlator: string;
  }>;
  return {
    summary: toSummary(row),
    steps: steps.map((s) => ({
      step: s.step,
      occurredAt: iso(s.occurred_at),
      durationMs: Number(s.duration_ms),
      outcome: s.outcome,
      error: s.error,
      correlator: s.correlator,
    })),
    calls: calls.map((c) => ({
      occurredAt: iso(c.occurred_at),
      api: c.api,
      operation: c.operation,
      status: Number(c.status),
      latencyMs: Number(c.latency_ms),
      correlator: c.correlator,
    })),
  };
}
