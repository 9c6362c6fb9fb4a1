/**
 * The steps of one verification, in the order they happen (docs/observability.md; the
 * console's contract). A backend flow (CIBA, JWT-bearer) records `backchannel` instead of the
 * browser's operator round-trip.
 */
export const STEP_NAMES = [
  'authorize',
  'telco_finder',
  'operator_redirect',
  'operator_callback',
  'operator_token',
  'token',
  'backchannel',
] as const;

export type StepName = (typeof STEP_NAMES)[number];

/** One row of `verification_steps`: never a token, secret, phone number or full device address. */
export interface VerificationStep {
  readonly verificationId: string;
  readonly step: StepName;
  readonly occurredAt: Date;
  readonly clientId: string;
  readonly operatorId: string | undefined;
  readonly outcome: 'ok' | 'error';
  /** An OAuth/CAMARA error code and a short description of ours. */
  readonly error: string | undefined;
  readonly durationMs: number;
  readonly correlator: string | undefined;
  /** The `jti` of the AggregatorAccessToken minted at `token` (proxied calls name it too). */
  readonly tokenJti: string | undefined;
  readonly traceId: string | undefined;
}

/** Where batches of steps go; the Postgres implementation is in store/. */
export interface VerificationStepSink {
  insertSteps(steps: readonly VerificationStep[]): Promise<void>;
}
