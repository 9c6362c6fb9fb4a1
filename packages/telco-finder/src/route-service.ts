import type { RouteKind } from '@switchboard/contracts';
import type { Actor, IpRangeRecord, MsisdnPrefixRecord, NetworkRecord } from './model.js';
import { claimRoutes, removeRoutes, requireOperator } from './route-change/apply.js';
import { ROUTE_KIND_STORES } from './route-change/kinds.js';
import { normalizeList } from './route-change/normalize.js';
import { adminPolicy } from './route-change/policies.js';
import { applyRoutingChange, type RoutingContext } from './routing-context.js';
import { listNetworks, listPrefixes, listRanges } from './store/routing-store.js';

export interface AddOptions {
  allowOverlap?: boolean;
}

/** The admin's routes: any operator's, under the admin claim policy (ADR 0002). */
export interface RouteService {
  addRanges(
    operatorId: string,
    cidrs: string[],
    options: AddOptions,
    actor: Actor,
  ): Promise<string[]>;
  removeRanges(cidrs: string[], actor: Actor, operatorId?: string): Promise<string[]>;
  listRanges(operatorId?: string): Promise<IpRangeRecord[]>;
  addPrefixes(
    operatorId: string,
    prefixes: string[],
    options: AddOptions,
    actor: Actor,
  ): Promise<string[]>;
  removePrefixes(prefixes: string[], actor: Actor, operatorId?: string): Promise<string[]>;
  listPrefixes(operatorId?: string): Promise<MsisdnPrefixRecord[]>;
  addNetworks(operatorId: string, mccMncs: string[], actor: Actor): Promise<string[]>;
  removeNetworks(mccMncs: string[], actor: Actor, operatorId?: string): Promise<string[]>;
  listNetworks(operatorId?: string): Promise<NetworkRecord[]>;
}

export function createRouteService(ctx: RoutingContext): RouteService {
  function add(kind: RouteKind) {
    const store = ROUTE_KIND_STORES[kind];
    return async (operatorId: string, raw: string[], options: AddOptions, actor: Actor) => {
      const allowOverlap = !!options.allowOverlap;
      const policy = adminPolicy(allowOverlap);
      const values = normalizeList(raw, store, policy);
      // Networks never overlap: their audit entry has no allowOverlap.
      const flag = kind === 'networks' ? {} : { allowOverlap };
      return applyRoutingChange<string[]>(
        ctx,
        (added) => ({ actor, action: `${kind}.add`, operatorId, detail: { added, ...flag } }),
        async (trx) => {
          await requireOperator(trx, operatorId);
          const claims = values.map((value) => ({ operatorId, value }));
          await claimRoutes(trx, store, claims, policy);
          return values;
        },
      );
    };
  }

  function remove(kind: RouteKind) {
    const store = ROUTE_KIND_STORES[kind];
    return async (raw: string[], actor: Actor, operatorId?: string) => {
      const policy = adminPolicy();
      const values = normalizeList(raw, store, policy);
      return applyRoutingChange<string[]>(
        ctx,
        (removed) => ({ actor, action: `${kind}.remove`, operatorId, detail: { removed } }),
        async (trx) => {
          await removeRoutes(trx, store, values, operatorId, policy);
          return values;
        },
      );
    };
  }

  return {
    addRanges: add('ranges'),
    removeRanges: remove('ranges'),
    listRanges: (operatorId) => listRanges(ctx.knex, operatorId),
    addPrefixes: add('prefixes'),
    removePrefixes: remove('prefixes'),
    listPrefixes: (operatorId) => listPrefixes(ctx.knex, operatorId),
    addNetworks: (operatorId, values, actor) => add('networks')(operatorId, values, {}, actor),
    removeNetworks: remove('networks'),
    listNetworks: (operatorId) => listNetworks(ctx.knex, operatorId),
  };
}
