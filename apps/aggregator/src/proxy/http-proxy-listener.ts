import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  DEFAULT_SECURITY_HEADER_SET,
  sendInternalError,
  sendProxyResponse,
  splitTarget,
  toProxyRequest,
} from './http-proxy-io.js';
import type { ApiCatalog } from './api-catalog.js';
import type { SecurityHeaderSet } from './http-proxy-io.js';
import type { ProxyPipeline } from './proxy-pipeline.js';
import type { ProxyResponse } from './proxy-context.js';
import { DEFAULT_MAX_REQUEST_BYTES } from './read-body.js';

export interface ProxyFrontDeps {
  readonly catalog: ApiCatalog;
  readonly pipeline: ProxyPipeline;
  /** Request body limit in bytes. */
  readonly maxRequestBytes?: number;
  /** Per request (HSTS depends on it); default SECURITY_HEADERS. */
  readonly securityHeaders?: SecurityHeaderSet;
  /** An answer that could not be sent (a bug): reported, and the client gets a CAMARA 500. */
  readonly onError?: (err: unknown) => void;
}

/** A node:http handler that answers the catalog paths and passes the rest to `fallback`. */
export type ProxyFront = (
  req: IncomingMessage,
  res: ServerResponse,
  fallback: RequestListener,
) => void;

/**
 * Every catalog API (`/number-verification/v2/*`, `/number-verification/v0/*`, configured
 * ones) on node:http in front of the express app (the public listener's front slot): catalog paths never enter express, whose per-request
 * prototype swaps and router walk measured about half the proxy's throughput. It sets what
 * the app's middleware would have: the security headers (HSTS per request).
 */
export function createProxyFront(deps: ProxyFrontDeps): ProxyFront {
  const maxBytes = deps.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const securityHeaders = deps.securityHeaders ?? DEFAULT_SECURITY_HEADER_SET;
  return (req, res, fallback) => {
    const target = splitTarget(req.url ?? '');
    if (!target.path.startsWith('/') || !deps.catalog.ownsPath(target.path)) {
      fallback(req, res);
      return;
    }
    answer(deps, req, res, target, maxBytes, securityHeaders(req));
  };
}

/**
 * One call through the pipeline and its answer sent. The pipeline never rejects; a throw is
 * a bug in sending: CAMARA 500, reported. Functions, not closures made per request (see
 * read-body.ts), and no async frame: the pipeline's promise is the only one.
 */
function answer(
  deps: ProxyFrontDeps,
  req: IncomingMessage,
  res: ServerResponse,
  target: { path: string; query: string },
  maxBytes: number,
  security: Readonly<Record<string, string>>,
): void {
  let handled: Promise<ProxyResponse>;
  try {
    handled = deps.pipeline.handle(toProxyRequest(req, target, maxBytes));
  } catch (err) {
    return fail(deps, res, security, err);
  }
  handled.then(
    (response) => send(deps, res, response, security),
    (err: unknown) => fail(deps, res, security, err),
  );
}

function send(
  deps: ProxyFrontDeps,
  res: ServerResponse,
  response: ProxyResponse,
  security: Readonly<Record<string, string>>,
): void {
  try {
    sendProxyResponse(res, response, security);
  } catch (err) {
    fail(deps, res, security, err);
  }
}

function fail(
  deps: ProxyFrontDeps,
  res: ServerResponse,
  security: Readonly<Record<string, string>>,
  err: unknown,
): void {
  deps.onError?.(err);
  sendInternalError(res, security);
}

/** `createProxyFront` as a whole listener: `http.createServer(createProxyListener(deps, app))`. */
export function createProxyListener(
  deps: ProxyFrontDeps,
  fallback: RequestListener,
): RequestListener {
  const front = createProxyFront(deps);
  return (req, res) => front(req, res, fallback);
}
