import type { Knex } from 'knex';
import { IpPrefixIndex } from './ip/ip-prefix-index.js';
import { MsisdnPrefixIndex } from './msisdn/msisdn-prefix-index.js';
import type { IndexStats, LookupResult, Operator } from '@switchboard/contracts';
import { allPrefixes, allRanges, listNetworks, ROUTING_CHANNEL } from './store/routing-store.js';
import { listOperatorRows, toOperator } from './store/operator-store.js';
import { listDynamicRoutes, type DynamicRouteRecord } from './store/dynamic-route-store.js';
import { canonicalCidr } from './route-change/normalize.js';

export interface Logger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface RouteMatch {
  operator: Operator;
  matched: LookupResult['matched'];
  /**
   * GSMA OPG.10 "Dynamic Routing": the matched route belongs to `operator` but resolves
   * through its second-level telco finder (multi-brand operators).
   */
  dynamic?: DynamicTarget;
}

export interface DynamicTarget {
  /** The second-level finder's base URL; its search is `{telcoFinder}/search`. */
  telcoFinder: string;
  authProviderConfiguration?: string;
}

/** The hot-path question: which operator serves this device? Never touches the database. */
export interface TelcoFinder {
  lookupIp(ip: string): RouteMatch | undefined;
  lookupPhoneNumber(phoneNumber: string): RouteMatch | undefined;
  lookupNetwork(mccMnc: string): RouteMatch | undefined;
  /** An active operator by id, from the same snapshot (undefined when unknown or disabled). */
  operator(id: string): Operator | undefined;
  /**
   * The active operators offering operator tokens whose Android carrier ids include one of
   * these, each once (CAMARA NumberVerification, "Operator Token Acquisition": a handset's
   * `carrier_ids` decide eligibility); [] when none.
   */
  operatorTokenOperators(carrierIds: readonly number[]): Operator[];
}

interface Snapshot {
  ip: IpPrefixIndex;
  msisdn: MsisdnPrefixIndex;
  networks: Map<string, string>;
  operators: Map<string, Operator>;
  /** Android carrier id → the active operators offering operator tokens with it. */
  carriers: Map<number, Operator[]>;
  /** `kind:value` (canonical) → the dynamic target, for routes of active operators. */
  dynamic: Map<string, DynamicRouteRecord>;
  builtAt: string | undefined;
  buildMs: number;
}

export interface RoutingIndex extends TelcoFinder {
  /** Rebuilds from the tables; concurrent calls coalesce, and the old index answers meanwhile. */
  refresh(): Promise<void>;
  /** First build, then follow NOTIFY from other processes. */
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): IndexStats;
}

export interface RoutingIndexDeps {
  knex: Knex;
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  onListenerReconnect?(handler: () => void): void;
  instanceId: string;
  logger: Logger;
}

const EMPTY: Snapshot = {
  ip: IpPrefixIndex.empty(),
  msisdn: MsisdnPrefixIndex.empty(),
  networks: new Map(),
  operators: new Map(),
  carriers: new Map(),
  dynamic: new Map(),
  builtAt: undefined,
  buildMs: 0,
};

export function createRoutingIndex(deps: RoutingIndexDeps): RoutingIndex {
  let snapshot = EMPTY;
  let generation = 0;
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  let unlisten: (() => Promise<void>) | undefined;

  async function build(): Promise<void> {
    const started = performance.now();
    // Read everything in one snapshot-consistent transaction.
    const { operators, ranges, prefixes, networks, dynamic } = await deps.knex.transaction(
      async (trx) => ({
        operators: (await listOperatorRows(trx))
          .filter((o) => o.status === 'active')
          .map(toOperator),
        ranges: await allRanges(trx, true),
        prefixes: await allPrefixes(trx, true),
        networks: await listNetworks(trx),
        dynamic: await listDynamicRoutes(trx),
      }),
      { isolationLevel: 'repeatable read', readOnly: true },
    );
    const active = new Map(operators.map((o) => [o.id, o]));
    snapshot = {
      ip: IpPrefixIndex.build(ranges),
      msisdn: MsisdnPrefixIndex.build(prefixes),
      networks: new Map(
        networks.filter((n) => active.has(n.operatorId)).map((n) => [n.mccMnc, n.operatorId]),
      ),
      operators: active,
      carriers: carriersOf(operators),
      dynamic: new Map(
        dynamic.filter((d) => active.has(d.operatorId)).map((d) => [`${d.kind}:${d.value}`, d]),
      ),
      builtAt: new Date().toISOString(),
      buildMs: Math.round(performance.now() - started),
    };
    generation++;
    deps.logger.info('routing index rebuilt', { ...statsOf(snapshot), generation });
  }

  function refresh(): Promise<void> {
    if (!running) {
      running = build().finally(() => {
        running = undefined;
      });
      return running;
    }
    // A change landed while building: one more build after this one covers every caller.
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return refresh();
      });
    return queued;
  }

  function onNotify(payload: string): void {
    let origin: string | undefined;
    try {
      origin = (JSON.parse(payload) as { origin?: string }).origin;
    } catch {
      origin = undefined;
    }
    if (origin === deps.instanceId) return;
    refresh().catch((err: unknown) =>
      deps.logger.error('routing index refresh failed', { err: String(err) }),
    );
  }

  const match = (
    operatorId: string | undefined,
    type: RouteMatch['matched']['type'],
    value: string,
    dynamicKey?: () => string,
  ): RouteMatch | undefined => {
    const operator = operatorId === undefined ? undefined : snapshot.operators.get(operatorId);
    if (!operator) return undefined;
    const found = { operator, matched: { type, value } };
    const d =
      dynamicKey && snapshot.dynamic.size > 0 ? snapshot.dynamic.get(dynamicKey()) : undefined;
    // A dynamic mark counts only for the route's own operator (a stale mark is ignored).
    if (!d || d.operatorId !== operator.id) return found;
    const dynamic: DynamicTarget = {
      telcoFinder: d.telcoFinder,
      ...(d.authProviderConfiguration === undefined
        ? {}
        : { authProviderConfiguration: d.authProviderConfiguration }),
    };
    return { ...found, dynamic };
  };

  return {
    lookupIp(ip) {
      const m = snapshot.ip.lookup(ip);
      return m
        ? match(m.operatorId, 'ip', m.cidr, () => `range:${canonicalCidr(m.cidr)}`)
        : undefined;
    },
    lookupPhoneNumber(phoneNumber) {
      const m = snapshot.msisdn.lookup(phoneNumber);
      return m
        ? match(m.operatorId, 'msisdn', `+${m.prefix}`, () => `prefix:${m.prefix}`)
        : undefined;
    },
    lookupNetwork(mccMnc) {
      return match(snapshot.networks.get(mccMnc), 'network', mccMnc, () => `network:${mccMnc}`);
    },
    operator: (id) => snapshot.operators.get(id),
    operatorTokenOperators(carrierIds) {
      const found = new Set(carrierIds.flatMap((id) => snapshot.carriers.get(id) ?? []));
      return [...found];
    },
    refresh,
    async start() {
      unlisten = await deps.listen(ROUTING_CHANNEL, onNotify);
      // Notifications sent while the listener was reconnecting are lost: resynchronise.
      deps.onListenerReconnect?.(() => onNotify('{}'));
      await refresh();
    },
    async stop() {
      await unlisten?.();
      unlisten = undefined;
      await running?.catch(() => undefined);
    },
    stats: () => ({ ...statsOf(snapshot), generation, ready: snapshot.builtAt !== undefined }),
  };
}

function carriersOf(operators: readonly Operator[]): Map<number, Operator[]> {
  const carriers = new Map<number, Operator[]>();
  for (const o of operators.filter((op) => op.operatorToken))
    for (const id of o.carrierIds) carriers.set(id, [...(carriers.get(id) ?? []), o]);
  return carriers;
}

function statsOf(s: Snapshot): Omit<IndexStats, 'generation' | 'ready'> {
  return {
    ipv4Prefixes: s.ip.ipv4Prefixes,
    ipv6Prefixes: s.ip.ipv6Prefixes,
    msisdnPrefixes: s.msisdn.size,
    operators: s.operators.size,
    builtAt: s.builtAt,
    buildMs: s.buildMs,
  };
}
