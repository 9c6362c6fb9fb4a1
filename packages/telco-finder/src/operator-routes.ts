import {
  ROUTE_KINDS,
  type RouteChangeMode,
  type RouteDiff,
  type RouteKind,
  type RouteSet,
} from '@switchboard/contracts';
import type { Actor } from './model.js';
import { approvalsFor, claimRoutes, removeRoutes, requireOperator } from './route-change/apply.js';
import { ROUTE_KIND_STORES } from './route-change/kinds.js';
import { normalizeSet } from './route-change/normalize.js';
import { planDiff } from './route-change/plan.js';
import { operatorPolicy } from './route-change/policies.js';
import { applyRoutingChange, type RoutingContext } from './routing-context.js';
import { deleteDynamicRoutes, DYNAMIC_KIND } from './store/dynamic-route-store.js';

export interface OperatorClaimOptions {
  /** Development only: accept private, loopback, documentation… ranges (the sandboxes use loopback). */
  allowSpecialPurpose: boolean;
}

/**
 * One operator's own routes, changed under the operator claim policy every self-service
 * path shares (operator API and routing-table sync; ADR 0002). Each call is one
 * transaction and returns exactly what it changed.
 */
export interface OperatorRoutes {
  list(operatorId: string): Promise<Record<RouteKind, string[]>>;
  change(
    operatorId: string,
    mode: RouteChangeMode,
    set: RouteSet,
    actor: Actor,
    action?: string,
  ): Promise<RouteDiff>;
}

export function createOperatorRoutes(
  ctx: RoutingContext,
  options: OperatorClaimOptions,
): OperatorRoutes {
  const policy = operatorPolicy(options);
  return {
    async list(operatorId) {
      return ctx.knex.transaction(async (trx) => {
        await requireOperator(trx, operatorId);
        const out = { ranges: [], prefixes: [], networks: [] } as Record<RouteKind, string[]>;
        for (const kind of ROUTE_KINDS)
          out[kind] = await ROUTE_KIND_STORES[kind].current(trx, operatorId);
        return out;
      });
    },

    async change(operatorId, mode, raw, actor, action = `routes.${mode}`) {
      const set = normalizeSet(raw, mode, ROUTE_KIND_STORES);
      return applyRoutingChange(
        ctx,
        (diff) => (isEmpty(diff) ? undefined : { actor, action, operatorId, detail: { diff } }),
        async (trx) => {
          await requireOperator(trx, operatorId);
          const diff: RouteDiff = {};
          for (const kind of ROUTE_KINDS) {
            const values = set[kind];
            if (!values) continue;
            const store = ROUTE_KIND_STORES[kind];
            const d = planDiff(await store.current(trx, operatorId), mode, values);
            await removeRoutes(trx, store, d.removed, operatorId, policy);
            const approved = await approvalsFor(trx, store, operatorId);
            const claims = d.added.map((value) => ({ operatorId, value }));
            await claimRoutes(trx, store, claims, policy, { approved });
            // Routes removed or newly claimed here are static (a routing sync marks its
            // dynamic ones after this change, routing-sync.ts).
            await deleteDynamicRoutes(trx, DYNAMIC_KIND[kind], [...d.removed, ...d.added]);
            diff[kind] = d;
          }
          return diff;
        },
      );
    },
  };
}

const isEmpty = (diff: RouteDiff) =>
  Object.values(diff).every((d) => d.added.length === 0 && d.removed.length === 0);
