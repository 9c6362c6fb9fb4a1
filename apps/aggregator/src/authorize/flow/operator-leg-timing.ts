import type { OperatorClient } from './operator-client.js';
import { isTimeout } from './operator-errors.js';

/** One operator leg of the nested flow, for the scorecard (docs/operator-conformance.md). */
export interface OperatorLegEvent {
  readonly operatorId: string;
  readonly leg: 'authorize' | 'token';
  readonly outcome: 'ok' | 'error' | 'timeout';
  readonly latencyMs: number;
}

/** Where leg events go (the conformance feature's batched recorder); must not block. */
export interface OperatorLegSink {
  record(event: OperatorLegEvent): void;
}

/** Flows whose start is remembered at once; beyond it the oldest are forgotten (not timed). */
const MAX_PENDING = 10_000;

/**
 * The operator client of the nested flow, timing its two operator legs for the scorecard:
 * `authorize` from the device sent to the operator to its callback with a code (flows this
 * process started), `token` the code exchange. Recording is in memory; writes are batched.
 */
export function timedOperatorClient(
  inner: OperatorClient,
  legs: OperatorLegSink,
  clock: () => number = () => performance.now(),
): OperatorClient {
  const started = new Map<string, number>();
  return {
    ...inner,
    async authorizationUrl(op, request) {
      const url = await inner.authorizationUrl(op, request);
      if (started.size >= MAX_PENDING) started.delete(started.keys().next().value!);
      started.set(request.state, clock());
      return url;
    },
    async exchange(op, callbackUrl, checks) {
      const sentAt = started.get(checks.state);
      started.delete(checks.state);
      const t0 = clock();
      if (sentAt !== undefined)
        legs.record({ operatorId: op.id, leg: 'authorize', outcome: 'ok', latencyMs: t0 - sentAt });
      try {
        const tokens = await inner.exchange(op, callbackUrl, checks);
        legs.record({ operatorId: op.id, leg: 'token', outcome: 'ok', latencyMs: clock() - t0 });
        return tokens;
      } catch (err) {
        const outcome = isTimeout(err) ? 'timeout' : 'error';
        legs.record({ operatorId: op.id, leg: 'token', outcome, latencyMs: clock() - t0 });
        throw err;
      }
    },
  };
}
