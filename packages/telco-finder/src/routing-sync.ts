import type { RouteDiff, SyncOutcome } from '@switchboard/contracts';
import { InputError, NotFoundError, UpstreamError } from './errors.js';
import type { Actor } from './model.js';
import type { OperatorRoutes } from './operator-routes.js';
import type { RoutingContext } from './routing-context.js';
import type { Logger } from './routing-index.js';
import { applyRoutingChange } from './routing-context.js';
import { canonicalCidr, canonicalMccMnc, canonicalPrefix } from './route-change/normalize.js';
import { parseRoutingTable, type DynamicRoute } from './routing-table.js';
import {
  deleteOperatorDynamicRoutes,
  listDynamicRoutes,
  upsertDynamicRoutes,
  type DynamicRouteRecord,
} from './store/dynamic-route-store.js';
import { getOperatorRow } from './store/operator-store.js';
import {
  listDueSources,
  recordSyncFailure,
  recordSyncSuccess,
  releaseLease,
  tryLease,
} from './store/routing-sync-store.js';

export interface RoutingSyncDeps {
  ctx: RoutingContext;
  routes: OperatorRoutes;
  /** GETs the operator's routing URL and parses its JSON; throws UpstreamError on any failure. */
  fetchTable(url: string): Promise<unknown>;
  /** Milliseconds until a source is polled again (the interval, jittered). */
  nextDelayMs(): number;
  logger: Logger;
  onOutcome?(operatorId: string, outcome: 'ok' | 'failed'): void;
  /**
   * A failure in the words its readers get from the APIs (a refused claim's violations
   * rendered by the host, ADR 0002); the error's own message by default.
   */
  describeFailure?(err: unknown): string | undefined;
}

export interface RoutingSync {
  /** Fetches, validates and applies one operator's table; on failure records it and rethrows. */
  sync(operatorId: string, actor: Actor): Promise<SyncOutcome>;
  /** Syncs every due source while `keepGoing` holds; failures are recorded, not thrown. */
  syncDue(actor: Actor, keepGoing: () => Promise<boolean>): Promise<{ ok: number; failed: number }>;
  /** The poller's lease: of all processes on the database, one holds it at a time. */
  tryLease(holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(holder: string): Promise<void>;
}

const LEASE = 'routing-sync';

/**
 * GSMA OPG.10 routing-table sync. The difference is computed inside the routing transaction
 * (under the routing lock), so concurrent syncs of one table never apply it twice; a failed
 * fetch, a malformed table or a refused claim leaves the last good routes in force.
 */
export function createRoutingSync(deps: RoutingSyncDeps): RoutingSync {
  const { ctx, logger } = deps;

  async function attempt(operatorId: string, actor: Actor): Promise<SyncOutcome> {
    const row = await getOperatorRow(ctx.knex, operatorId);
    if (!row) throw new NotFoundError(`unknown operator '${operatorId}'`);
    const routingUrl = row.routing_url;
    if (!routingUrl) throw new NotFoundError(`operator '${operatorId}' has no routing URL`);
    const body = await deps.fetchTable(routingUrl);
    const table = parseTable(
      body,
      {
        id: row.id,
        apiRoot: row.api_root,
        issuerUrl: row.issuer_url,
        allowInsecureHttp: row.allow_insecure_http,
      },
      routingUrl,
    );
    const diff = await deps.routes.change(
      operatorId,
      'replace',
      table.routes,
      actor,
      'routing.sync',
    );
    await replaceDynamicRoutes(ctx, operatorId, table.dynamic, actor);
    return { operatorId, routingUrl, rules: table.rules, diff, warnings: table.warnings };
  }

  async function sync(operatorId: string, actor: Actor): Promise<SyncOutcome> {
    try {
      const outcome = await attempt(operatorId, actor);
      await recordSyncSuccess(
        ctx.knex,
        operatorId,
        { diff: outcome.diff, warnings: outcome.warnings },
        deps.nextDelayMs(),
      );
      deps.onOutcome?.(operatorId, 'ok');
      logger.info('routing table synced', {
        operatorId,
        rules: outcome.rules,
        ...counts(outcome.diff),
      });
      return outcome;
    } catch (err) {
      if (err instanceof NotFoundError) throw err;
      const message = deps.describeFailure?.(err) ?? (err as Error).message ?? String(err);
      await recordSyncFailure(ctx.knex, operatorId, message, deps.nextDelayMs());
      deps.onOutcome?.(operatorId, 'failed');
      logger.warn('routing table sync failed; the last good table stays', {
        operatorId,
        error: message,
      });
      throw err;
    }
  }

  return {
    sync,
    async syncDue(actor, keepGoing) {
      const result = { ok: 0, failed: 0 };
      for (const source of await listDueSources(ctx.knex)) {
        if (!(await keepGoing())) break;
        try {
          await sync(source.operatorId, actor);
          result.ok++;
        } catch {
          result.failed++;
        }
      }
      return result;
    },
    tryLease: (holder, ttlMs) => tryLease(ctx.knex, LEASE, holder, ttlMs),
    releaseLease: (holder) => releaseLease(ctx.knex, LEASE, holder),
  };
}

/**
 * The table's dynamic rules replace the operator's dynamic marks (its routes were claimed just
 * before, so each value is the operator's). Nothing changed: no audit, no rebuild.
 */
async function replaceDynamicRoutes(
  ctx: RoutingContext,
  operatorId: string,
  published: DynamicRoute[],
  actor: Actor,
): Promise<void> {
  const wanted = published.map((d) => canonicalDynamic(d, operatorId));
  await applyRoutingChange(
    ctx,
    (changed) =>
      changed
        ? { actor, action: 'routing.sync.dynamic', operatorId, detail: { routes: wanted.length } }
        : undefined,
    async (trx) => {
      const before = await listDynamicRoutes(trx, operatorId);
      if (sameRoutes(before, wanted)) return false;
      await deleteOperatorDynamicRoutes(trx, operatorId);
      await upsertDynamicRoutes(trx, wanted);
      return true;
    },
  );
}

function canonicalDynamic(d: DynamicRoute, operatorId: string): DynamicRouteRecord {
  const canonical = { range: canonicalCidr, prefix: canonicalPrefix, network: canonicalMccMnc };
  return {
    kind: d.kind,
    value: canonical[d.kind](d.value),
    operatorId,
    telcoFinder: d.telcoFinder,
    ...(d.authProviderConfiguration === undefined
      ? {}
      : { authProviderConfiguration: d.authProviderConfiguration }),
  };
}

const routeKey = (d: DynamicRouteRecord) =>
  JSON.stringify([d.kind, d.value, d.telcoFinder, d.authProviderConfiguration ?? null]);

function sameRoutes(a: DynamicRouteRecord[], b: DynamicRouteRecord[]): boolean {
  const keys = new Set(a.map(routeKey));
  return a.length === new Set(b.map(routeKey)).size && b.every((d) => keys.has(routeKey(d)));
}

function parseTable(body: unknown, op: Parameters<typeof parseRoutingTable>[1], url: string) {
  try {
    return parseRoutingTable(body, op);
  } catch (e) {
    if (e instanceof InputError)
      throw new UpstreamError(`routing table at ${url} is invalid: ${e.message}`, e.details);
    throw e;
  }
}

function counts(diff: RouteDiff): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kind, d] of Object.entries(diff)) {
    out[`${kind}Added`] = d.added.length;
    out[`${kind}Removed`] = d.removed.length;
  }
  return out;
}
