import { Pool, type buildConnector } from 'undici';
import { PrivateAddressError } from '../infra/egress/host-guard.js';
import { camaraError, type CamaraError } from '@switchboard/camara';
import { ExchangeFailure, exchange } from './upstream-exchange.js';

export interface UpstreamPoolOptions {
  /** TCP (and TLS) connect timeout. */
  readonly connectTimeoutMs: number;
  /** Time from sending the request to the operator's response headers. */
  readonly headersTimeoutMs: number;
  /** Whole-exchange deadline: a body that trickles in slowly still ends here. */
  readonly responseTimeoutMs: number;
  /** Larger operator bodies are refused with 502 instead of being buffered. */
  readonly maxResponseBytes: number;
  /** Keep-alive sockets per operator origin. */
  readonly connections: number;
  readonly keepAliveTimeoutMs: number;
}

export const DEFAULT_UPSTREAM_POOL_OPTIONS: UpstreamPoolOptions = Object.freeze({
  connectTimeoutMs: 2_000,
  headersTimeoutMs: 5_000,
  responseTimeoutMs: 10_000,
  maxResponseBytes: 1_048_576,
  connections: 64,
  keepAliveTimeoutMs: 30_000,
});

export interface UpstreamRequest {
  /** The operator whose api root this is: its connection policy applies. */
  readonly operatorId: string;
  /** `scheme://host:port` of the operator's api root; one pool per operator and origin. */
  readonly origin: string;
  /** Path and query, as sent on the request line. */
  readonly path: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** Why an exchange failed; the metrics label and the CAMARA error follow from it. */
export type UpstreamFailure = 'connect' | 'timeout' | 'malformed' | 'too-large' | 'redirect';

/**
 * A call the operator gave no usable answer to (not reached, timed out, malformed): the
 * proxy's own 502/503/504. Not to be confused with `UpstreamError` of the domain packages
 * (an operator's endpoint an admin or operator configured failed).
 */
export interface UnansweredCall extends CamaraError {
  readonly failure: UpstreamFailure;
}

export interface UpstreamPool {
  /** Resolves with any operator status (4xx/5xx included); rejects only with UnansweredCall. */
  request(request: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

const FAILURE_CODES = {
  connect: 'UNAVAILABLE',
  timeout: 'TIMEOUT',
  malformed: 'BAD_GATEWAY',
  'too-large': 'BAD_GATEWAY',
  redirect: 'BAD_GATEWAY',
} as const;

export function unanswered(failure: UpstreamFailure, cause?: unknown): UnansweredCall {
  return Object.assign(camaraError(FAILURE_CODES[failure], undefined, { cause }), { failure });
}

export function isUnanswered(err: unknown): err is UnansweredCall {
  return err instanceof Error && 'failure' in err;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);
const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET']);
/** RFC 9110 §9.2.2: only idempotent calls may be repeated; a POST /verify never is. */
const RETRYABLE_METHODS = new Set(['GET', 'HEAD']);

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function classify(err: unknown): UnansweredCall {
  if (!(err instanceof ExchangeFailure)) return unanswered('malformed', err);
  // The egress refused the address (an internal host): the operator cannot be reached.
  if (err.cause instanceof PrivateAddressError) return unanswered('connect', err.cause);
  if (err.reason === 'deadline') return unanswered('timeout', err);
  if (err.reason !== 'transport') return unanswered(err.reason, err);
  const code = errorCode(err.cause);
  if (TIMEOUT_CODES.has(code)) return unanswered('timeout', err.cause);
  if (CONNECT_CODES.has(code)) return unanswered('connect', err.cause);
  return unanswered('malformed', err.cause);
}

/** How connections to an operator are opened (the operator egress); undici's own by default. */
export type UpstreamConnections = (
  operatorId: string,
  connectTimeoutMs: number,
) => { readonly version: string; readonly connect: buildConnector.connector } | undefined;

/**
 * One keep-alive undici Pool per operator and api-root origin, with timeouts and a response
 * size bound; connections opened as `connections` says (infra/egress: the address guard).
 */
export function createUpstreamPool(
  options: Partial<UpstreamPoolOptions> = {},
  connections?: UpstreamConnections,
): UpstreamPool {
  const o: UpstreamPoolOptions = { ...DEFAULT_UPSTREAM_POOL_OPTIONS, ...options };
  const pools = new Map<string, { version: string; origin: string; pool: Pool }>();

  const poolFor = (request: UpstreamRequest): Pool => {
    const connection = connections?.(request.operatorId, o.connectTimeoutMs);
    const version = connection?.version ?? '';
    const hit = pools.get(request.operatorId);
    if (hit?.version === version && hit.origin === request.origin) return hit.pool;
    // The operator's api root or policy changed: the old pool drains and closes.
    void hit?.pool.close();
    const pool = new Pool(request.origin, {
      connections: o.connections,
      ...(connection ? { connect: connection.connect } : { connectTimeout: o.connectTimeoutMs }),
      headersTimeout: o.headersTimeoutMs,
      bodyTimeout: o.responseTimeoutMs,
      keepAliveTimeout: o.keepAliveTimeoutMs,
    });
    pools.set(request.operatorId, { version, origin: request.origin, pool });
    return pool;
  };

  const once = async (request: UpstreamRequest): Promise<UpstreamResponse> => {
    try {
      return await exchange(poolFor(request), request, o);
    } catch (err) {
      throw classify(err);
    }
  };

  /** A kept-alive socket the operator closed meanwhile: one more try, GET only. */
  const retryOrThrow = (request: UpstreamRequest, err: unknown): Promise<UpstreamResponse> => {
    const failure = classify(err);
    const reset = RESET_CODES.has(errorCode(failure.cause));
    if (!reset || !RETRYABLE_METHODS.has(request.method)) throw failure;
    return once(request);
  };

  return {
    // The first try is the exchange's own promise, its failure handled inside it: no async
    // frames nor extra promises per call (each costs a microtask hop).
    request(request) {
      try {
        return exchange(poolFor(request), request, o, (err) => retryOrThrow(request, err));
      } catch (err) {
        try {
          return retryOrThrow(request, err);
        } catch (failure) {
          return Promise.reject(failure as Error);
        }
      }
    },
    async close() {
      await Promise.all([...pools.values()].map((p) => p.pool.close()));
      pools.clear();
    },
  };
}
