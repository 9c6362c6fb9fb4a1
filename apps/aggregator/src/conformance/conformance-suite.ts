import type { ConformanceResult, ScenarioResult, TestSubscriber } from '@switchboard/contracts';
import type { Operator } from '@switchboard/telco-finder';
import type { EgressFetch } from '../infra/egress/operator-egress.js';
import { declaredOperations } from './scenarios/api-operations.js';
import { discoveryScenarios } from './scenarios/discovery-scenarios.js';
import { negativeScenarios } from './scenarios/negative-scenarios.js';
import { positiveScenarios } from './scenarios/positive-scenarios.js';
import type { SubscriberTokens } from './subscriber-tokens.js';

export interface ConformanceSuiteDeps {
  /** The operator's egress fetch (its pool, timeouts and address guard). */
  readonly fetchFor: (op: Operator) => EgressFetch;
  readonly tokens: SubscriberTokens;
  readonly clock?: () => Date;
}

/**
 * The operator conformance check (issue 15, docs/operator-conformance.md): discovery, then the
 * scenarios that need no subscriber for every declared API, then the test subscriber's success
 * scenarios. A failed scenario never stops the others, so the table names every defect.
 */
export async function runConformanceSuite(
  op: Operator,
  subscriber: TestSubscriber | undefined,
  deps: ConformanceSuiteDeps,
): Promise<ConformanceResult> {
  const ranAt = (deps.clock ?? (() => new Date()))().toISOString();
  const fetch = deps.fetchFor(op);
  const scenarios: ScenarioResult[] = [...(await discoveryScenarios(op, fetch)).results];
  for (const d of declaredOperations(op)) scenarios.push(...(await negativeScenarios(d, fetch)));
  scenarios.push(...(await positiveScenarios(op, subscriber, { fetch, tokens: deps.tokens })));
  const failed = scenarios.filter((s) => s.outcome === 'fail').length;
  return { operatorId: op.id, ranAt, passed: failed === 0, failed, scenarios };
}
