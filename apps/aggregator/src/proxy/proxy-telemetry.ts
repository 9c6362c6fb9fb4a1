import { randomUUID } from 'node:crypto';
import type { SwitchboardMetrics } from '../infra/metrics/metrics.js';
import type { UsageRecorder } from '../usage/usage-recorder.js';
import type { ProxyOutcome } from './proxy-context.js';

/**
 * Turns each proxy outcome into metrics and a usage record: the pipeline's `onComplete`.
 * Only calls whose token was verified are metered (client and operator are known).
 */
export function createProxyTelemetry(deps: {
  metrics?: SwitchboardMetrics;
  usage?: UsageRecorder;
}): (outcome: ProxyOutcome) => void {
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
    if (!deps.usage || !op || !outcome.clientId || !outcome.operatorId) return;
    deps.usage.record({
      id: randomUUID(),
      time: new Date(outcome.startedAt),
      clientId: outcome.clientId,
      operatorId: outcome.operatorId,
      api: op.api,
      version: op.version,
      operation: op.operation,
      status: outcome.status,
      latencyMs: outcome.latencyMs,
      correlator: outcome.correlator,
    });
  };
}
