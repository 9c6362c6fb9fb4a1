import http, { type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type RequestHandler, type Router } from 'express';
import type { Registry } from 'prom-client';
import { createMetricsRouter } from '../metrics/http-metrics-router.js';
import { errorPage } from './error-page.js';
import { problemHandler, type ProblemReporting } from './problem-responses.js';
import { adminNotFound, publicNotFound } from './not-found.js';
import { createSecurityHeaders, type TrustedProxyCheck } from './security-headers.js';

export interface AdminAppParts {
  readonly adminRouter: Router;
  /** The web console (docs/console.md), under `/console`. */
  readonly console: Router;
  readonly health: Router;
  readonly metricsRegistry: Registry;
  readonly isTrustedProxy: TrustedProxyCheck;
  readonly reporting: Omit<ProblemReporting, 'what'>;
}

export function createAdminApp(parts: AdminAppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(createSecurityHeaders(parts.isTrustedProxy));
  app.use(parts.health);
  // Prometheus scrapes the admin listener (loopback by default), never the public one.
  app.use(createMetricsRouter(parts.metricsRegistry));
  app.use('/admin/v1', parts.adminRouter);
  app.use('/console', parts.console);
  app.use(adminNotFound);
  app.use(problemHandler('admin', { ...parts.reporting, what: 'admin request' }));
  return app;
}

export interface PublicAppParts {
  readonly health: Router;
  /** In order; oidc-provider's listener last, as it answers every path it is given. */
  readonly routes: ReadonlyArray<Router | RequestHandler | RequestListener>;
  readonly isTrustedProxy: TrustedProxyCheck;
  readonly reporting: Omit<ProblemReporting, 'what'>;
}

export function createPublicApp(parts: PublicAppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(createSecurityHeaders(parts.isTrustedProxy));
  app.use(parts.health);
  for (const route of parts.routes) app.use(route as RequestHandler);
  app.use(publicNotFound);
  app.use(problemHandler('page-or-camara', { ...parts.reporting, what: 'public request' }));
  return app;
}

/**
 * What a listener answers while the rest is composed: liveness and readiness (`starting`)
 * from the health router, a 503 page for everything else.
 */
export function createStartingApp(health: Router, isTrustedProxy: TrustedProxyCheck): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(createSecurityHeaders(isTrustedProxy));
  app.use(health);
  app.use((_req, res) => {
    res
      .status(503)
      .set('retry-after', '1')
      .type('html')
      .send(errorPage('temporarily_unavailable', 'starting up'));
  });
  return app;
}

/**
 * Answers the requests it owns straight on node:http and hands every other one to
 * `fallback` (the express app). The CAMARA proxy is one: express's per-request work
 * (prototype swaps, router walk) measured about half of the proxy's throughput.
 */
export type FrontHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  fallback: RequestListener,
) => void;

export interface Listener {
  url: string;
  port: number;
  /**
   * Serves the composed app (and the front handler before it) from now on. Bound first,
   * so the issuer (by default the listener's URL) is known before anything is built.
   */
  serve(app: RequestListener, front?: FrontHandler): void;
  /** From now on every answer says `Connection: close`, so clients and proxies reconnect elsewhere. */
  drain(): void;
  close(graceMs: number): Promise<void>;
}

export interface ListenTimeouts {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/**
 * Binds the socket and answers with `starting` until `serve`; closes gracefully: stop
 * accepting, let in-flight requests finish, then cut. A client that trickles its headers or
 * body (slowloris) is cut off after the timeouts; Node checks them every
 * `connectionsCheckingInterval`, so that is kept short too.
 */
export async function bindListener(
  host: string,
  port: number,
  timeouts: ListenTimeouts,
  starting: RequestListener,
): Promise<Listener> {
  let draining = false;
  let handle: RequestListener = starting;
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersTimeoutMs),
    },
    (req, res) => {
      if (draining) res.setHeader('connection', 'close');
      handle(req, res);
    },
  );
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const shownHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actual}`,
    port: actual,
    serve(app, front) {
      handle = front ? (req, res) => front(req, res, app) : app;
    },
    drain: () => {
      draining = true;
    },
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
