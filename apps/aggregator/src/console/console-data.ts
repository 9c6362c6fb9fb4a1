import type { Knex } from 'knex';
import type { OperatorHealth } from '@switchboard/contracts';
import { NotFoundError, type OperatorService } from '@switchboard/telco-finder';
import type { CircuitState } from '../proxy/circuit-breaker.js';
import { dailyUsage, listClientNames } from './store/console-apps-store.js';
import { listAuditPage, type ConsoleAuditQuery } from './store/console-audit-store.js';
import { lastRoutingSyncs, routeCounts } from './store/console-operators-store.js';
import { callCounts, verificationCounts } from './store/console-overview-store.js';
import {
  findVerification,
  listVerifications,
  verificationsByCorrelator,
} from './store/console-verification-store.js';
import { redactDetail } from './redact-detail.js';
import { buildOverview } from './overview.js';

export interface ConsoleDataDeps {
  readonly knex: Knex;
  readonly operators: Pick<OperatorService, 'list'>;
  /** The proxy's circuit per operator (this process); undefined: no proxy in this process. */
  readonly circuitStates?: () => ReadonlyMap<string, CircuitState>;
  /** Issue 13's scorecard over a window; undefined: not available. */
  readonly scorecard?: (
    window: string,
    windowMs: number,
  ) => Promise<{ items: readonly OperatorHealth[] }>;
  /** SWITCHBOARD_TRACE_URL: a URL with `{traceId}`. */
  readonly traceUrl?: string | undefined;
}

const DAY_MS = 86_400_000;
const { round } = Math;

/** What the console's pages show (docs/console.md), read from the stores; never a secret. */
export function createConsoleData(deps: ConsoleDataDeps) {
  const { knex } = deps;
  return {
    async overview(hours: number, now = new Date()) {
      const from = new Date(now.getTime() - hours * 3_600_000);
      const [verifications, calls] = await Promise.all([
        verificationCounts(knex, from, now),
        callCounts(knex, from, now),
      ]);
      return {
        from: from.toISOString(),
        to: now.toISOString(),
        ...buildOverview(verifications, calls),
      };
    },

    async operators() {
      const [operators, routes, syncs, health] = await Promise.all([
        deps.operators.list(),
        routeCounts(knex),
        lastRoutingSyncs(knex),
        deps.scorecard?.('24h', DAY_MS),
      ]);
      const circuits = deps.circuitStates?.();
      return {
        operators: operators.map((op) => {
          const card = health?.items.find((h) => h.operatorId === op.id);
          return {
            id: op.id,
            name: op.name,
            status: op.status,
            routes: routes.get(op.id) ?? { ipRanges: 0, msisdnPrefixes: 0, networks: 0 },
            // The breaker keeps a circuit only once the operator was called: closed until then.
            circuit: circuits ? (circuits.get(op.id) ?? 'closed') : null,
            lastRoutingSync: syncs.get(op.id) ?? null,
            scorecard: card ? scorecardSummary(card) : null,
          };
        }),
      };
    },

    async apps(from: Date, to: Date) {
      const [clients, usage] = await Promise.all([
        listClientNames(knex),
        dailyUsage(knex, { from, to }),
      ]);
      return { from: from.toISOString(), to: to.toISOString(), clients, usage };
    },

    usage: (from: Date, to: Date, clientId?: string) =>
      dailyUsage(knex, { from, to, ...(clientId === undefined ? {} : { clientId }) }),

    async audit(query: ConsoleAuditQuery) {
      const entries = await listAuditPage(knex, query);
      return {
        entries: entries.map((e) => ({ ...e, detail: redactDetail(e.detail) })),
        next: entries.length === query.limit ? entries.at(-1)!.id : null,
      };
    },

    async verifications(
      q:
        | { correlator: string; limit: number }
        | { from: Date; to: Date; outcome?: 'ok' | 'error'; limit: number },
    ) {
      const rows =
        'correlator' in q
          ? await verificationsByCorrelator(knex, q.correlator, q.limit)
          : await listVerifications(knex, q);
      return { verifications: rows.map(({ traceId: _traceId, ...summary }) => summary) };
    },

    async verification(id: string) {
      const found = await findVerification(knex, id);
      if (!found) throw new NotFoundError(`no verification ${id}`);
      const { summary, steps, calls } = found;
      return {
        verificationId: summary.verificationId,
        clientId: summary.clientId,
        operatorId: summary.operatorId,
        outcome: summary.outcome,
        startedAt: summary.startedAt,
        durationMs: summary.durationMs,
        traceId: summary.traceId,
        traceUrl:
          summary.traceId && deps.traceUrl
            ? deps.traceUrl.replaceAll('{traceId}', encodeURIComponent(summary.traceId))
            : null,
        steps,
        calls,
      };
    },
  };
}

export type ConsoleData = ReturnType<typeof createConsoleData>;

/** Issue 13's scorecard of one operator, without the ids the row already has. */
function scorecardSummary(card: OperatorHealth) {
  return {
    authorizeLeg: card.authorizeLeg,
    tokenLeg: card.tokenLeg,
    calls: { ...card.calls, errorRate: round(card.calls.errorRate * 1e4) / 1e4 },
    circuitOpenings: card.circuitOpenings,
    lastConformance: card.lastConformance,
  };
}
