import type { AuditRecord } from '@switchboard/contracts';
import {
  createOperatorRoutes,
  createOverlapApprovals,
  createRoutingSync,
  listAudit,
  type AuditQuery,
  type Logger,
  type OperatorRoutes,
  type OverlapApprovals,
  type RoutingContext,
  type RoutingSync,
} from '@switchboard/telco-finder';
import type { OperatorSelfServiceConfig } from '../config.js';
import type { SwitchboardMetrics } from '../infra/metrics/metrics.js';
import type { EndpointValidationDeps } from './endpoint-validation.js';
import type { Egress } from '../infra/egress/operator-egress.js';
import { createOutboundJson } from '../infra/egress/outbound-json.js';
import { routeRefusalMessage } from '../infra/errors/route-violation-words.js';
import {
  jittered,
  startRoutingSyncScheduler,
  type RoutingSyncScheduler,
} from './routing-sync-scheduler.js';

export interface SelfService {
  readonly operatorRoutes: OperatorRoutes;
  readonly approvals: OverlapApprovals;
  readonly routingSync: RoutingSync;
  readonly validation: EndpointValidationDeps;
  /** The audit log of routing changes, read only. */
  readonly audit: (query: AuditQuery) => Promise<AuditRecord[]>;
  /** Polls routing tables (when an interval is set) until stopped. */
  startPolling(): RoutingSyncScheduler | undefined;
}

/**
 * Operator self-service wiring: the claim rules shared by the operator API and the GSMA
 * routing sync, and the outbound client both use for operators' own URLs.
 */
export function createSelfService(
  config: OperatorSelfServiceConfig,
  deps: {
    routingContext: RoutingContext;
    metrics: SwitchboardMetrics;
    logger: Logger;
    /** The egress of URLs operators chose (OperatorEgress.operatorChosen). */
    egress: Egress;
  },
): SelfService {
  const { devMode } = config;
  const getJson = createOutboundJson({
    egress: deps.egress,
    timeoutMs: config.fetchTimeoutMs,
    userAgent: `switchboard/${deps.routingContext.instanceId}`,
  });
  const operatorRoutes = createOperatorRoutes(deps.routingContext, {
    allowSpecialPurpose: devMode,
  });
  const intervalMs = config.syncIntervalSeconds * 1000;
  const routingSync = createRoutingSync({
    ctx: deps.routingContext,
    routes: operatorRoutes,
    fetchTable: getJson,
    // With polling off, a table synced by hand is "due" again at once (never polled).
    nextDelayMs: () => jittered(intervalMs, config.syncJitter),
    logger: deps.logger,
    onOutcome: (operator, outcome) => deps.metrics.recordRoutingSync(operator, outcome),
    describeFailure: routeRefusalMessage,
  });
  return {
    operatorRoutes,
    approvals: createOverlapApprovals(deps.routingContext),
    routingSync,
    validation: { getJson, policy: deps.egress.policy },
    audit: (query) => listAudit(deps.routingContext.knex, query),
    startPolling: () =>
      intervalMs > 0
        ? startRoutingSyncScheduler({
            sync: routingSync,
            instanceId: deps.routingContext.instanceId,
            intervalMs,
            jitter: config.syncJitter,
            fetchTimeoutMs: config.fetchTimeoutMs,
            logger: deps.logger,
          })
        : undefined,
  };
}
