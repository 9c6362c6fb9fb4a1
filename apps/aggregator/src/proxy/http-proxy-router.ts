import express, { type Router } from 'express';
import type { ApiCatalog } from './api-catalog.js';
import {
  sendProxyResponse,
  splitTarget,
  toProxyRequest,
  type SecurityHeaderSet,
} from './http-proxy-io.js';
import type { ProxyPipeline } from './proxy-pipeline.js';
import { DEFAULT_MAX_REQUEST_BYTES } from './read-body.js';

export interface ProxyRouterDeps {
  readonly catalog: ApiCatalog;
  readonly pipeline: ProxyPipeline;
  /** Request body limit in bytes. */
  readonly maxRequestBytes?: number;
  /** Per request (HSTS depends on it); default SECURITY_HEADERS. */
  readonly securityHeaders?: SecurityHeaderSet;
  /** An answer that could not be sent (a bug); the router leaves it to express instead. */
  readonly onError?: (err: unknown) => void;
}

/**
 * Mounts every catalog API (`/number-verification/v2/*`, `/number-verification/v0/*`,
 * configured ones) on one handler; paths outside the catalog fall through to `next()`.
 * Mount it at the root and before any body parser: the proxy reads the raw bytes itself.
 */
export function createProxyRouter(deps: ProxyRouterDeps): Router {
  const router = express.Router();
  const maxBytes = deps.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  router.use((req, res, next) => {
    if (!deps.catalog.ownsPath(req.path)) {
      next();
      return;
    }
    const target = { path: req.path, query: splitTarget(req.originalUrl).query };
    deps.pipeline
      .handle(toProxyRequest(req, target, maxBytes))
      .then((response) => sendProxyResponse(res, response), next);
  });
  return router;
}
