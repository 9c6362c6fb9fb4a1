import type { CamaraError } from '@switchboard/camara';
import type { AccessGrant } from '@switchboard/tokens';
import type { ApiCatalog, MatchedOperation } from './api-catalog.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { RateLimits } from '../infra/rate-limit/rate-limits.js';
import type { Tracing } from '../infra/tracing/tracing.js';
import type { UpstreamPool, UpstreamRequest, UpstreamResponse } from './upstream-pool.js';

/**
 * What the proxy needs from a verified AggregatorAccessToken (Annex step 25, docs/flow.md): the grant
 * the token codec of @switchboard/tokens reads out of its claims.
 */
export type ProxyClaims = AccessGrant;

/** Decrypts and validates the bearer; throws CamaraError 401 UNAUTHENTICATED when it cannot. */
export interface TokenVerifier {
  verify(bearer: string): Promise<ProxyClaims>;
  /**
   * The claims of a token verified before whose verification still holds (current, its key
   * ring still in force), known without waiting; undefined → `verify`. Optional.
   */
  known?(bearer: string): ProxyClaims | undefined;
}

/** Single use (CAMARA NV tokens): true the first time a jti is seen, false afterwards. */
export interface JtiStore {
  consume(jti: string, exp: number): Promise<boolean>;
  /** Undoes a `consume`: the call it was recorded for got no answer from the operator. */
  giveBack(jti: string): Promise<void>;
}

export type IncomingHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** A framework-free view of the app's request; `readBody` enforces the size limit. */
export interface ProxyRequest {
  readonly method: string;
  /** Path only, as received (no query). */
  readonly path: string;
  /** Raw query string including its '?', or ''. */
  readonly query: string;
  readonly headers: IncomingHeaders;
  /** The TCP peer (the app's server, or a proxy in front of Switchboard). */
  readonly remoteAddress?: string | undefined;
  readBody(): Promise<Buffer | undefined>;
}

export interface ProxyResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Reported once per request, after the answer is built; carries no token. */
export interface ProxyOutcome {
  readonly correlator: string;
  readonly status: number;
  readonly startedAt: number;
  readonly latencyMs: number;
  readonly operation: MatchedOperation | undefined;
  readonly clientId: string | undefined;
  readonly operatorId: string | undefined;
  /** Set when Switchboard could not get an answer from the operator. */
  readonly upstreamFailure: string | undefined;
  readonly method: string;
  /** The token's `vid` and `jti`: the verification the call belongs to (issue 17). */
  readonly verificationId: string | undefined;
  readonly tokenJti: string | undefined;
  /** The span id the operator was told in `traceparent`, when tracing sampled the call. */
  readonly traceSpanId: string | undefined;
}

export interface ProxyDeps {
  readonly catalog: ApiCatalog;
  readonly tokenVerifier: TokenVerifier;
  /** Required when any API is single use. */
  readonly jtiStore?: JtiStore;
  /** Whether a token spends itself on a call of this API (CAMARA NV 2.1: NV tokens do). */
  readonly singleUse: (api: string) => boolean;
  /** Only api roots registered for that operator are ever contacted. */
  isRegisteredApiRoot(operatorId: string, apiRoot: string): boolean | Promise<boolean>;
  /** Whether the operator offers this API version (its supportedApis); omitted → every API. */
  readonly offersApi?: (operatorId: string, api: string, version: string) => boolean;
  readonly upstream: UpstreamPool;
  readonly breaker: CircuitBreaker;
  /** Per-address and per-client limits (no I/O per request); omitted → unlimited. */
  readonly limits?: RateLimits;
  /** The caller's address from the socket and X-Forwarded-For (TRUST_PROXY). */
  readonly sourceIp?: (
    remoteAddress: string | undefined,
    forwardedFor?: string,
  ) => string | undefined;
  /** Milliseconds since the epoch; injected for tests. */
  readonly clock?: () => number;
  readonly onComplete?: (outcome: ProxyOutcome) => void;
  /** Set only when tracing is on: the operator gets the verification's `traceparent`. */
  readonly tracing?: Tracing;
}

/** The state one request accumulates as it moves through the steps. */
export interface ProxyContext {
  readonly request: ProxyRequest;
  readonly deps: ProxyDeps;
  readonly now: () => number;
  correlator: string;
  operation?: MatchedOperation;
  bearer?: string;
  claims?: ProxyClaims;
  body?: Buffer;
  /** The body parsed, when it was sent as JSON (never `undefined` once parsed). */
  json?: unknown;
  /** Where the call goes: the operator origin and the full request path + query. */
  target?: { origin: string; path: string };
  upstreamRequest?: UpstreamRequest;
  traceSpanId?: string;
  /** The jti this call spent (single use), until it is given back. */
  spentJti?: string;
  upstreamResponse?: UpstreamResponse;
  upstreamFailure?: string;
  /** Our 502/503/504 when the operator gave no usable answer (circuit open, connect, timeout…). */
  unanswered?: CamaraError;
  response?: ProxyResponse;
}

export type ProxyStep = (ctx: ProxyContext) => void | Promise<void>;

/** Reads a single header value; a repeated header yields its first value. */
export function headerValue(headers: IncomingHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function requireValue<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`proxy step order: ${what} is not set yet`);
  return value;
}
