import { SpanKind } from '@opentelemetry/api';
import { isSafeValue } from '../infra/tracing/attribute-guard.js';
import { TRACING_OFF, type Tracing } from '../infra/tracing/tracing.js';
import type { VerificationRecorder } from './verification-recorder.js';
import type { StepName } from './verification-step.js';

/** What a hook in the flow reports once a step is over (one call per step). */
export interface StepReport {
  readonly verificationId: string;
  readonly step: StepName;
  readonly clientId: string;
  readonly operatorId?: string | undefined;
  /** Milliseconds since the epoch; the step ends when it is reported. */
  readonly startedAt: number;
  /** OAuth / CAMARA error code and our short description: the step failed. */
  readonly error?: { readonly code: string; readonly description?: string | undefined } | undefined;
  readonly correlator?: string | undefined;
  readonly tokenJti?: string | undefined;
}

/** One proxied CAMARA call made with a verification's token. */
export interface CallReport {
  readonly verificationId: string;
  readonly clientId: string;
  readonly operatorId: string;
  readonly api: string;
  readonly version: string;
  readonly operation: string;
  readonly method: string;
  readonly status: number;
  readonly startedAt: number;
  readonly latencyMs: number;
  readonly correlator: string;
  /** The span id the call's `traceparent` toward the operator named, when one was sent. */
  readonly spanId: string | undefined;
}

export interface VerificationObserver {
  readonly tracing: Tracing;
  step(report: StepReport): void;
  call(report: CallReport): void;
  /** The app's `traceparent` on /authorize (W3C Trace Context): the verification joins it. */
  adopt(verificationId: string, traceparent: string | undefined): void;
  /** Runs `fn` with the verification's trace sent to operators (`traceparent` on undici requests). */
  within<T>(verificationId: string, fn: () => T): T;
}

const SPAN_KINDS: Partial<Record<StepName, SpanKind>> = {
  authorize: SpanKind.SERVER,
  operator_callback: SpanKind.SERVER,
  operator_token: SpanKind.CLIENT,
  token: SpanKind.SERVER,
  backchannel: SpanKind.SERVER,
};

const MAX_ERROR_LENGTH = 200;

/** `code: description`, the description left out when it could hold anything personal. */
export function stepError(error: StepReport['error']): string | undefined {
  if (!error) return undefined;
  const code = isSafeValue(error.code) ? error.code : 'error';
  const text =
    error.description && isSafeValue(error.description) ? `${code}: ${error.description}` : code;
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/**
 * The one place the flow reports to: each step becomes a `verification_steps` row (batched,
 * off the request path) and, when tracing is on, a span of the verification's trace.
 */
export function createVerificationObserver(deps: {
  readonly recorder?: VerificationRecorder;
  readonly tracing?: Tracing;
  readonly clock?: () => number;
}): VerificationObserver {
  const tracing = deps.tracing ?? TRACING_OFF;
  const now = deps.clock ?? Date.now;
  return {
    tracing,
    step(r) {
      const endedAt = now();
      const error = stepError(r.error);
      const trace = tracing.enabled ? tracing.traceOf(r.verificationId) : undefined;
      deps.recorder?.record({
        verificationId: r.verificationId,
        step: r.step,
        occurredAt: new Date(r.startedAt),
        clientId: r.clientId,
        operatorId: r.operatorId,
        outcome: error === undefined ? 'ok' : 'error',
        error,
        durationMs: Math.max(0, endedAt - r.startedAt),
        correlator: r.correlator || undefined,
        tokenJti: r.tokenJti,
        traceId: trace?.traceId,
      });
      if (!trace?.sampled) return;
      tracing.span({
        name: r.step,
        verificationId: r.verificationId,
        startTime: r.startedAt,
        endTime: endedAt,
        kind: SPAN_KINDS[r.step] ?? SpanKind.INTERNAL,
        root: r.step === 'authorize',
        error: r.error?.code,
        attributes: {
          'switchboard.verification_id': r.verificationId,
          'switchboard.step': r.step,
          'switchboard.outcome': error === undefined ? 'ok' : 'error',
          'switchboard.error': r.error?.code,
          'switchboard.client_id': r.clientId,
          'switchboard.operator_id': r.operatorId,
          'camara.x_correlator': r.correlator || undefined,
        },
      });
    },
    call(r) {
      if (!tracing.enabled) return;
      const failed = r.status >= 400;
      tracing.span({
        name: `${r.api} ${r.operation}`,
        verificationId: r.verificationId,
        startTime: r.startedAt,
        endTime: r.startedAt + r.latencyMs,
        kind: SpanKind.SERVER,
        spanId: r.spanId,
        error: failed ? String(r.status) : undefined,
        attributes: {
          'switchboard.verification_id': r.verificationId,
          'switchboard.step': 'api_call',
          'switchboard.outcome': failed ? 'error' : 'ok',
          'switchboard.client_id': r.clientId,
          'switchboard.operator_id': r.operatorId,
          'camara.api': r.api,
          'camara.api_version': r.version,
          'camara.operation': r.operation,
          'camara.x_correlator': r.correlator || undefined,
          'http.request.method': r.method,
          'http.response.status_code': r.status,
        },
      });
    },
    adopt: (verificationId, traceparent) => {
      if (tracing.enabled) tracing.adopt(verificationId, traceparent);
    },
    within: (verificationId, fn) => (tracing.enabled ? tracing.within(verificationId, fn) : fn()),
  };
}

export const NO_OBSERVER: VerificationObserver = createVerificationObserver({});
