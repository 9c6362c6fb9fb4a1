import type { Knex } from 'knex';
import {
  MAX_WINDOW_MS,
  type ConformanceResult,
  type HealthReport,
  type OperatorHealth,
  type TestSubscriber,
} from '@switchboard/contracts';
import type { Logger, OperatorService } from '@switchboard/telco-finder';
import { createOperatorClient } from '../authorize/flow/operator-client.js';
import { OPERATOR_CALLBACK_PATH } from '../authorize/http/flow-router.js';
import type { OperatorEgress } from '../infra/egress/operator-egress.js';
import { runConformanceSuite } from './conformance-suite.js';
import { createLegRecorder, type LegRecorder } from './leg-recorder.js';
import {
  getTestSubscriber,
  latestConformanceSummaries,
  listConformanceResults,
  saveConformanceResult,
  setTestSubscriber,
} from './store/conformance-store.js';
import {
  callStats,
  deleteLegEventsBefore,
  legStats,
  type LegStats,
} from './store/operator-health-store.js';
import { createSubscriberTokens } from './subscriber-tokens.js';

export interface ConformanceDeps {
  readonly knex: Knex;
  readonly issuer: string;
  readonly operators: Pick<OperatorService, 'get' | 'list' | 'credentials'>;
  readonly egress: OperatorEgress;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/** The operator conformance check and the per-operator scorecard (docs/operator-conformance.md). */
export interface Conformance {
  run(operatorId: string): Promise<ConformanceResult>;
  results(operatorId: string, limit: number): Promise<ConformanceResult[]>;
  testSubscriber(operatorId: string): Promise<TestSubscriber | undefined>;
  setTestSubscriber(operatorId: string, patch: Partial<TestSubscriber>): Promise<TestSubscriber>;
  health(window: string, windowMs: number): Promise<HealthReport>;
  /** Where the authorize flow and the circuit breaker record operator legs. */
  readonly legs: LegRecorder;
  close(): Promise<void>;
}

/**
 * How often leg events older than the longest scorecard window (31 days, MAX_WINDOW_MS) are
 * deleted: no report can read them, and the table grows by a few rows per verification.
 */
export const LEG_EVENT_SWEEP_MS = 3_600_000;

/** Seconds a CIBA request for the test number may stay pending. */
const CIBA_MAX_WAIT_SECONDS = 30;

export function createConformance(deps: ConformanceDeps): Conformance {
  const { knex } = deps;
  const redirectUri = `${deps.issuer}${OPERATOR_CALLBACK_PATH}`;
  // Its own client: discovery is read afresh for every check (no cache across checks).
  const operatorClient = createOperatorClient({
    redirectUri,
    credentials: (id) => deps.operators.credentials(id),
    discoveryTtlMs: 0,
    timeoutMs: deps.timeoutMs,
    egress: deps.egress,
  });
  const tokens = createSubscriberTokens({
    operatorClient,
    redirectUri,
    timeoutMs: deps.timeoutMs,
    cibaMaxWaitSeconds: CIBA_MAX_WAIT_SECONDS,
  });
  const legs = createLegRecorder(knex, {
    onWriteError: (err) =>
      deps.logger.warn('operator leg events not written', { error: String(err) }),
  });
  const sweep = setInterval(() => {
    deleteLegEventsBefore(knex, new Date(Date.now() - MAX_WINDOW_MS)).catch((err: unknown) =>
      deps.logger.warn('old operator leg events not deleted', { error: String(err) }),
    );
  }, LEG_EVENT_SWEEP_MS);
  sweep.unref();
  return {
    legs,
    async run(operatorId) {
      const op = await deps.operators.get(operatorId);
      const result = await runConformanceSuite(op, await getTestSubscriber(knex, op.id), {
        fetchFor: (o) => deps.egress.forOperator(o).fetch,
        tokens,
      });
      await saveConformanceResult(knex, result);
      deps.logger.info('operator conformance check', {
        operatorId,
        passed: result.passed,
        failed: result.failed,
      });
      return result;
    },
    results: (operatorId, limit) => listConformanceResults(knex, operatorId, limit),
    testSubscriber: (operatorId) => getTestSubscriber(knex, operatorId),
    setTestSubscriber: (operatorId, patch) => setTestSubscriber(knex, operatorId, patch),
    async health(window, windowMs) {
      await legs.flush();
      const since = new Date(Date.now() - windowMs);
      const [operators, calls, legEvents, conformance] = await Promise.all([
        deps.operators.list(),
        callStats(knex, since),
        legStats(knex, since),
        latestConformanceSummaries(knex),
      ]);
      const items = operators.map((op): OperatorHealth => {
        const c = calls.get(op.id);
        const l = legEvents.get(op.id) ?? {};
        const n = c?.count ?? 0;
        return {
          operatorId: op.id,
          status: op.status,
          authorizeLeg: legSummary(l.authorize),
          tokenLeg: { ...legSummary(l.token), timeouts: l.token?.timeouts ?? 0 },
          calls: {
            count: n,
            p50Ms: c?.p50Ms ?? null,
            p99Ms: c?.p99Ms ?? null,
            errorRate: n ? c!.errors / n : 0,
            timeoutRate: n ? c!.timeouts / n : 0,
          },
          circuitOpenings: l.circuit?.count ?? 0,
          lastConformance: conformance.get(op.id) ?? null,
        };
      });
      return { window, since: since.toISOString(), items };
    },
    close: () => {
      clearInterval(sweep);
      return legs.close();
    },
  };
}

const legSummary = (s: LegStats | undefined) => ({
  count: s?.count ?? 0,
  p50Ms: s?.p50Ms ?? null,
  p99Ms: s?.p99Ms ?? null,
  failed: s?.failed ?? 0,
});
