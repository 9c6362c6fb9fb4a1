import { randomUuid } from '@switchboard/camara';
import type { SwitchboardMetrics } from '../infra/metrics/metrics.js';
import type { UsageRecorder } from '../usage/usage-recorder.js';
import type { VerificationObserver } from '../verifications/verification-observer.js';
import type { ProxyOutcome } from './proxy-context.js';

/**
 * Turns each proxy outcome into metrics and a usage record: the pipeline's `onComplete`.
 * Only calls whose token was verified are metered (client and operator are known).
 */
export function createProxyTelemetry(deps: {
  metrics?: SwitchboardMetrics;
  usage?: UsageRecorder;
  /** The call's span in its verification's trace (only when tracing is on). */
  observer?: VerificationObserver;
}): (outcome: ProxyOutcome) => void {
  const traced = deps.observer?.tracing.enabled ? deps.observer : undefined;
  return (outcome) => {
    const op = outcome.operation;
    const operator = outcome.operatorId ?? 'unknown';
    deps.metrics?.observeRequest(
      {
        operator,
        api: op?.api ?? 'unknown',
        operation: op?.operation ?? 'unknown',
        status: outcome.status,
      },
      outcome.latencyMs,
    );
    if (outcome.upstreamFailure)
      deps.metrics?.recordUpstreamError(operator, outcome.upstreamFailure);
    if (!op || !outcome.clientId || !outcome.operatorId) return;
    if (traced && outcome.verificationId !== undefined)
      traced.call({
        verificationId: outcome.verificationId,
        clientId: outcome.clientId,
        operatorId: outcome.operatorId,
        api: op.api,
        version: op.version,
        operation: op.operation,
        method: outcome.method,
        status: outcome.status,
        startedAt: outcome.startedAt,
        latencyMs: outcome.latencyMs,
        correlator: outcome.correlator,
        spanId: outcome.traceSpanId,
      });
    if (!deps.usage) return;
    deps.usage.record({
      id: randomUuid(),
      time: new Date(outcome.startedAt),
      clientId: outcome.clientId,
      operatorId: outcome.operatorId,
      api: op.api,
      version: op.version,
      operation: op.operation,
      status: outcome.status,
      latencyMs: outcome.latencyMs,
      correlator: outcome.correlator,
      tokenJti: outcome.tokenJti,
    });
  };
}
