import http, { type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Router } from 'express';
import type { Logger } from '@switchboard/telco-finder';
import type { Registry } from 'prom-client';
import { createMetricsRouter } from '../metrics/http-metrics-router.js';
import { adminErrorHandler, notFound } from '../../admin/admin-errors.js';
import { publicErrorHandler, publicNotFound } from './public-errors.js';
import { createSecurityHeaders, type TrustedProxyCheck } from './security-headers.js';

export function createAdminApp(
  adminRouter: Router,
  health: Router,
  logger: Logger,
  metricsRegistry: Registry,
  isTrustedProxy: TrustedProxyCheck,
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(createSecurityHeaders(isTrustedProxy));
  app.use(health);
  // Prometheus scrapes the admin listener (loopback by default), never the public one.
  app.use(createMetricsRouter(metricsRegistry));
  app.use('/admin/v1', adminRouter);
  app.use(notFound);
  app.use(adminErrorHandler(logger));
  return app;
}

export function createPublicApp(
  health: Router,
  logger: Logger,
  isTrustedProxy: TrustedProxyCheck,
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(createSecurityHeaders(isTrustedProxy));
  app.use(health);
  app.use(publicNotFound);
  app.use(publicErrorHandler(logger));
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

export interface RunningServer {
  url: string;
  port: number;
  /**
   * Puts `front` before the app for every request from now on. The public listener starts
   * before the proxy exists (the issuer defaults to the listener's URL); until then the
   * app answers everything, the CAMARA paths included (503 while starting).
   */
  attachFront(front: FrontHandler): void;
  /** From now on every answer says `Connection: close`, so clients and proxies reconnect elsewhere. */
  drain(): void;
  close(graceMs: number): Promise<void>;
}

export interface ListenTimeouts {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/**
 * Listens, and closes gracefully: stop accepting, let in-flight requests finish, then cut.
 * A client that trickles its headers or body (slowloris) is cut off after the timeouts;
 * Node checks them every `connectionsCheckingInterval`, so that is kept short too.
 */
export async function listen(
  app: Express,
  host: string,
  port: number,
  timeouts: ListenTimeouts,
): Promise<RunningServer> {
  let draining = false;
  let front: FrontHandler | undefined;
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersTimeoutMs),
    },
    (req, res) => {
      if (draining) res.setHeader('connection', 'close');
      if (front) front(req, res, app);
      else app(req, res);
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
    attachFront: (handler) => {
      front = handler;
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
