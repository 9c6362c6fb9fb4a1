import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/** One verification_steps row as the recorder writes it (migration 0017). */
export interface StepRow {
  verificationId: string;
  step: string;
  occurredAt: Date;
  clientId: string;
  operatorId?: string | null;
  outcome?: 'ok' | 'error';
  error?: string | null;
  durationMs?: number;
  correlator?: string | null;
  tokenJti?: string | null;
  traceId?: string | null;
}

export async function insertSteps(knex: Knex, rows: readonly StepRow[]): Promise<void> {
  await knex('verification_steps').insert(
    rows.map((r) => ({
      verification_id: r.verificationId,
      step: r.step,
      occurred_at: r.occurredAt,
      client_id: r.clientId,
      operator_id: r.operatorId ?? null,
      outcome: r.outcome ?? 'ok',
      error: r.error ?? null,
      duration_ms: r.durationMs ?? 10,
      correlator: r.correlator ?? null,
      token_jti: r.tokenJti ?? null,
      trace_id: r.traceId ?? null,
    })),
  );
}

/** One proxied call (usage_events) as the proxy's usage recording writes it. */
export interface CallRow {
  occurredAt: Date;
  clientId: string;
  operatorId: string;
  api?: string;
  operation?: string;
  status?: number;
  latencyMs: number;
  correlator?: string;
  tokenJti?: string | null;
}

export async function insertCalls(knex: Knex, rows: readonly CallRow[]): Promise<void> {
  await knex('usage_events').insert(
    rows.map((r) => ({
      record_id: randomUUID(),
      occurred_at: r.occurredAt,
      client_id: r.clientId,
      operator_id: r.operatorId,
      api: r.api ?? 'number-verification',
      api_version: 'v2',
      operation: r.operation ?? 'verify',
      status: r.status ?? 200,
      latency_ms: r.latencyMs,
      correlator: r.correlator ?? randomUUID(),
      token_jti: r.tokenJti ?? null,
    })),
  );
}

/**
 * A whole verification: authorize → telco_finder → operator legs → token, each step `stepMs`
 * after the last; `failAt` ends it there with `error`.
 */
export function verificationSteps(v: {
  verificationId: string;
  clientId: string;
  operatorId: string | null;
  startedAt: Date;
  stepMs?: number;
  failAt?: string;
  error?: string;
  correlator?: string;
  tokenJti?: string;
  traceId?: string;
}): StepRow[] {
  const names = [
    'authorize',
    'telco_finder',
    'operator_redirect',
    'operator_callback',
    'operator_token',
    'token',
  ];
  const stepMs = v.stepMs ?? 10;
  const end = v.failAt ? names.indexOf(v.failAt) + 1 : names.length;
  return names.slice(0, end).map((step, i) => ({
    verificationId: v.verificationId,
    step,
    occurredAt: new Date(v.startedAt.getTime() + (i + 1) * stepMs),
    durationMs: stepMs,
    clientId: v.clientId,
    operatorId:
      step === 'authorize' || (step === 'telco_finder' && v.operatorId === null)
        ? null
        : v.operatorId,
    outcome: step === v.failAt ? 'error' : 'ok',
    error: step === v.failAt ? (v.error ?? 'server_error') : null,
    correlator: v.correlator ?? null,
    tokenJti: step === 'token' ? (v.tokenJti ?? null) : null,
    traceId: v.traceId ?? null,
  }));
}
