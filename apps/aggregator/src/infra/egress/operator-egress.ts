import { Agent, request, type buildConnector, type Dispatcher } from 'undici';
import type { Operator } from '@switchboard/telco-finder';
import { operatorChosenPolicy, operatorPolicy, type EgressPolicy } from './egress-policy.js';
import { guardedConnector, PrivateAddressError, type EgressNetwork } from './host-guard.js';

/** openid-client's `customFetch`: the WHATWG fetch signature it calls. */
export type EgressFetch = (
  url: string,
  init: {
    body?: unknown;
    headers: Record<string, string>;
    method: string;
    redirect: 'manual';
    signal?: AbortSignal;
  },
) => Promise<Response>;

/** How the CAMARA proxy opens connections to one operator's api root. */
export interface ProxyConnection {
  /** Changes when the operator's policy does: pools keyed by it follow a change. */
  readonly version: string;
  readonly connect: buildConnector.connector;
}

/** One keep-alive pool to an operator's hosts, every connection under one policy. */
export interface Egress {
  readonly policy: EgressPolicy;
  /** For undici's `request` (outbound JSON). */
  readonly dispatcher: Dispatcher;
  /** For openid-client (`customFetch`): discovery, JWKS, token, revocation requests. */
  readonly fetch: EgressFetch;
}

/**
 * The one place that decides how Switchboard talks to operators' hosts: keep-alive pools,
 * connect/headers/body timeouts, and the special-purpose address guard (host-guard.ts)
 * at connect time, so a discovery document, a token endpoint or a routing table cannot make
 * Switchboard reach an internal host, whether a URL names it or DNS answers it.
 */
export interface OperatorEgress {
  /** The pool of one operator's OIDC endpoints in the flow (policy: egress-policy.ts). */
  forOperator(op: EgressOperator): Egress;
  /** URLs operators chose (discovery at registration, routing tables): no vouched origin. */
  readonly operatorChosen: Egress;
  /**
   * The CAMARA proxy's connections to one operator's api root, under the same policy as its
   * auth endpoints (so an api root name re-pointed at an internal address is refused when
   * the socket connects), with the proxy's own connect timeout. Its pool is the proxy's.
   */
  proxyConnection(op: EgressOperator, connectTimeoutMs: number): ProxyConnection;
  close(): Promise<void>;
}

export type EgressOperator = Pick<Operator, 'id' | 'issuerUrl' | 'apiRoot' | 'allowInsecureHttp'>;

export interface OperatorEgressOptions {
  /** Connect, headers and body timeout of every request (OPERATOR_TIMEOUT_MS). */
  readonly timeoutMs: number;
  /** OPERATOR_DEV_MODE: no guard at all (the sandboxes live on loopback). */
  readonly devMode: boolean;
  /** The network (tests: a resolver table, routes to loopback listeners, a test CA). */
  readonly network?: EgressNetwork;
}

/** Operators whose pool is kept at once; the least recently used is dropped beyond it. */
const MAX_POOLS = 1_000;

export function createOperatorEgress(options: OperatorEgressOptions): OperatorEgress {
  const pools = new Map<string, { version: string; egress: Egress }>();
  const proxyConnections = new Map<string, ProxyConnection>();
  const proxyConnectionOf = new WeakMap<EgressOperator, ProxyConnection>();
  const operatorChosen = createEgress(operatorChosenPolicy(options.devMode), options);
  return {
    proxyConnection(op, connectTimeoutMs) {
      // Every proxied call asks: the routing index hands out the same operator object until
      // it is rebuilt, so most calls are one WeakMap lookup.
      const known = proxyConnectionOf.get(op);
      if (known) return known;
      const version = policyVersion(op);
      const hit = proxyConnections.get(op.id);
      if (hit?.version === version) {
        proxyConnectionOf.set(op, hit);
        return hit;
      }
      const policy = operatorPolicy(op, options.devMode);
      const connection = {
        version,
        connect: guardedConnector({
          timeoutMs: connectTimeoutMs,
          unguarded: (target) => policy.unguarded(target),
          ...(options.network ? { network: options.network } : {}),
        }),
      };
      proxyConnections.set(op.id, connection);
      proxyConnectionOf.set(op, connection);
      return connection;
    },
    forOperator(op) {
      // A change of what the policy depends on gets a new pool; the old one is left to drain
      // (configurations discovered with it may still finish a request) and to be collected.
      const version = policyVersion(op);
      const hit = pools.get(op.id);
      pools.delete(op.id);
      const entry =
        hit?.version === version
          ? hit
          : { version, egress: createEgress(operatorPolicy(op, options.devMode), options) };
      pools.set(op.id, entry);
      for (const id of pools.keys()) {
        if (pools.size <= MAX_POOLS) break;
        pools.delete(id);
      }
      return entry.egress;
    },
    operatorChosen,
    async close() {
      const all = [operatorChosen, ...[...pools.values()].map((p) => p.egress)];
      pools.clear();
      await Promise.all(all.map((e) => e.dispatcher.close()));
    },
  };
}

/** What an operator's policy depends on (egress-policy.ts). */
const policyVersion = (op: EgressOperator) =>
  JSON.stringify([op.issuerUrl, op.apiRoot, op.allowInsecureHttp]);

function createEgress(policy: EgressPolicy, options: OperatorEgressOptions): Egress {
  const dispatcher = new Agent({
    connect: guardedConnector({
      timeoutMs: options.timeoutMs,
      unguarded: (target) => policy.unguarded(target),
      ...(options.network ? { network: options.network } : {}),
    }),
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const fetch: EgressFetch = (url, init) => fetchOver(dispatcher, url, init);
  return { policy, dispatcher, fetch };
}

/**
 * The WHATWG fetch openid-client expects, on undici's `request`: the operator's answers
 * (discovery, JWKS, token, revocation) are small JSON documents read whole, and undici's
 * `fetch` machinery (Request objects, web streams) cost three times as much CPU per call
 * (issue 16, docs/performance.md). Redirects are not followed (openid-client asks for
 * `manual`). Failures reject as fetch does: the signal's reason when it aborted, else a
 * TypeError whose `cause` is the network error (a refused address names its reason).
 */
async function fetchOver(
  dispatcher: Dispatcher,
  url: string,
  init: Parameters<EgressFetch>[1],
): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | Uint8Array | undefined;
  if (init.body instanceof URLSearchParams) {
    body = init.body.toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
  } else if (typeof init.body === 'string' || init.body instanceof Uint8Array) body = init.body;
  else if (init.body !== undefined && init.body !== null)
    throw new TypeError(`${url}: unsupported request body`);
  try {
    const res = await request(url, {
      method: init.method as Dispatcher.HttpMethod,
      headers,
      ...(body === undefined ? {} : { body }),
      ...(init.signal ? { signal: init.signal } : {}),
      dispatcher,
    });
    const bytes = await res.body.arrayBuffer();
    const answer = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (Array.isArray(value)) for (const v of value) answer.append(name, v);
      else if (value !== undefined) answer.append(name, value);
    }
    const empty = res.statusCode === 204 || res.statusCode === 205 || res.statusCode === 304;
    return new Response(empty ? null : bytes, { status: res.statusCode, headers: answer });
  } catch (e) {
    if (init.signal?.aborted) throw init.signal.reason;
    const refused =
      e instanceof PrivateAddressError
        ? e
        : (e as { cause?: unknown }).cause instanceof PrivateAddressError
          ? (e as { cause: PrivateAddressError }).cause
          : undefined;
    // A refusal is a network error, which fetch() rejects with a TypeError (Fetch Standard):
    // keep that type, so openid-client passes it through, with the reason in the message.
    if (refused) throw new TypeError(`${url}: ${refused.message}`, { cause: refused });
    throw new TypeError('fetch failed', { cause: e });
  }
}
