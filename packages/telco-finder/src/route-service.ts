import type { RouteKind } from '@switchboard/contracts';
import type { Actor, IpRangeRecord, MsisdnPrefixRecord, NetworkRecord } from './model.js';
import { claimRoutes, removeRoutes, requireOperator } from './route-change/apply.js';
import { ROUTE_KIND_STORES } from './route-change/kinds.js';
import { normalizeList } from './route-change/normalize.js';
import { adminPolicy } from './route-change/policies.js';
import { applyRoutingChange, type RoutingContext } from './routing-context.js';
import { listNetworks, listPrefixes, listRanges } from './store/routing-store.js';
import { InputError } from './errors.js';
import { finderUrlProblem } from './routing-table.js';
import { getOperatorRow } from './store/operator-store.js';
import {
  deleteDynamicRoutes,
  upsertDynamicRoutes,
  DYNAMIC_KIND,
  type DynamicRouteRecord,
} from './store/dynamic-route-store.js';
import type { Knex } from 'knex';

export interface AddOptions {
  allowOverlap?: boolean;
  /**
   * GSMA OPG.10 dynamic routing: the added routes resolve through this second-level telco
   * finder. Absent: they are static (a dynamic mark they had is removed).
   */
  dynamic?: { telcoFinder: string; authProviderConfiguration?: string };
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
  addNetworks(
    operatorId: string,
    mccMncs: string[],
    actor: Actor,
    options?: Pick<AddOptions, 'dynamic'>,
  ): Promise<string[]>;
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
      const dynamic = options.dynamic ? { telcoFinder: options.dynamic.telcoFinder } : {};
      return applyRoutingChange<string[]>(
        ctx,
        (added) => ({
          actor,
          action: `${kind}.add`,
          operatorId,
          detail: { added, ...flag, ...dynamic },
        }),
        async (trx) => {
          await requireOperator(trx, operatorId);
          const claims = values.map((value) => ({ operatorId, value }));
          await claimRoutes(trx, store, claims, policy);
          await markDynamic(trx, DYNAMIC_KIND[kind], operatorId, values, options.dynamic);
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
          await deleteDynamicRoutes(trx, DYNAMIC_KIND[kind], values);
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
    addNetworks: (operatorId, values, actor, options = {}) =>
      add('networks')(operatorId, values, options, actor),
    removeNetworks: remove('networks'),
    listNetworks: (operatorId) => listNetworks(ctx.knex, operatorId),
  };
}

/** Records (or clears) the dynamic target of routes just claimed by `operatorId`. */
async function markDynamic(
  trx: Knex.Transaction,
  kind: DynamicRouteRecord['kind'],
  operatorId: string,
  values: string[],
  dynamic: AddOptions['dynamic'],
): Promise<void> {
  if (!dynamic) {
    await deleteDynamicRoutes(trx, kind, values);
    return;
  }
  const row = await getOperatorRow(trx, operatorId);
  const problem = finderUrlProblem(dynamic.telcoFinder, row?.allow_insecure_http === true);
  if (problem) throw new InputError(`telcoFinder ${problem}`);
  const target = {
    telcoFinder: dynamic.telcoFinder,
    ...(dynamic.authProviderConfiguration === undefined
      ? {}
      : { authProviderConfiguration: dynamic.authProviderConfiguration }),
  };
  await upsertDynamicRoutes(
    trx,
    values.map((value) => ({ kind, value, operatorId, ...target })),
  );
}
