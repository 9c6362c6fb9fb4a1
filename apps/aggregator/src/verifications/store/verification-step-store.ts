import type { Knex } from 'knex';
import type { StepName, VerificationStep, VerificationStepSink } from '../verification-step.js';

export const VERIFICATION_STEPS_TABLE = 'verification_steps';

interface StepDbRow {
  verification_id: string;
  occurred_at: Date | string;
  step: string;
  client_id: string;
  operator_id: string | null;
  outcome: 'ok' | 'error';
  error: string | null;
  duration_ms: number | string;
  correlator: string | null;
  token_jti: string | null;
  trace_id: string | null;
}

export async function insertVerificationSteps(
  knex: Knex,
  steps: readonly VerificationStep[],
): Promise<void> {
  if (steps.length === 0) return;
  await knex(VERIFICATION_STEPS_TABLE).insert(
    steps.map((s) => ({
      verification_id: s.verificationId,
      occurred_at: s.occurredAt,
      step: s.step,
      client_id: s.clientId,
      operator_id: s.operatorId ?? null,
      outcome: s.outcome,
      error: s.error ?? null,
      duration_ms: s.durationMs,
      correlator: s.correlator ?? null,
      token_jti: s.tokenJti ?? null,
      trace_id: s.traceId ?? null,
    })),
  );
}

/** The steps of one verification, oldest first. */
export async function listVerificationSteps(
  knex: Knex,
  verificationId: string,
): Promise<VerificationStep[]> {
  const rows = (await knex(VERIFICATION_STEPS_TABLE)
    .where({ verification_id: verificationId })
    .orderBy([{ column: 'occurred_at' }, { column: 'id' }])) as StepDbRow[];
  return rows.map((r) => ({
    verificationId: r.verification_id,
    step: r.step as StepName,
    occurredAt: new Date(r.occurred_at),
    clientId: r.client_id,
    operatorId: r.operator_id ?? undefined,
    outcome: r.outcome,
    error: r.error ?? undefined,
    durationMs: Number(r.duration_ms),
    correlator: r.correlator ?? undefined,
    tokenJti: r.token_jti ?? undefined,
    traceId: r.trace_id ?? undefined,
  }));
}

/** Retention: deletes steps that happened before `before`; returns how many. */
export async function deleteVerificationStepsBefore(knex: Knex, before: Date): Promise<number> {
  return knex(VERIFICATION_STEPS_TABLE).where('occurred_at', '<', before).delete();
}

export function createVerificationStepStore(knex: Knex): VerificationStepSink & {
  list(verificationId: string): Promise<VerificationStep[]>;
  deleteBefore(before: Date): Promise<number>;
} {
  return {
    insertSteps: (steps) => insertVerificationSteps(knex, steps),
    list: (verificationId) => listVerificationSteps(knex, verificationId),
    deleteBefore: (before) => deleteVerificationStepsBefore(knex, before),
  };
}
