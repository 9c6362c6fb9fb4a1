import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { SwitchboardClient } from '@switchboard/sdk';
import type { Logger } from '../logger.js';
import { createCallCentreRoutes } from './call-centre-routes.js';
import { createDemoRoutes, type DemoRoutesDeps } from './demo-routes.js';
import { createSimRoutes, type SimPath } from './sim-routes.js';
import { STYLE_HASH, layout } from './layout.js';
import { notFoundPage } from './pages.js';

/**
 * Pages carry CSRF tokens and results, so nothing is cached; the callback URL holds an
 * authorization code, so no Referer ever leaves; the CSP allows only our own hashed CSS.
 * No form-action: the start form's redirect goes to the provider, then to the operator.
 */
const securityHeaders: RequestHandler = (req, res, next) => {
  // RFC 6797: only over TLS (the demo app trusts no proxy headers).
  if (req.secure) res.set('strict-transport-security', 'max-age=63072000');
  res.set({
    'content-security-policy': `default-src 'self'; style-src ${STYLE_HASH}; base-uri 'none'; object-src 'none'; frame-ancestors 'none'`,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
    pragma: 'no-cache',
  });
  next();
};

export interface AppDeps extends DemoRoutesDeps {
  readonly logger: Logger;
  /** The call centre's backend client; absent when BACKEND_CLIENT_ID is not configured. */
  readonly backend: SwitchboardClient | undefined;
  /** "Verify with your SIM"; absent when OPERATOR_TOKEN_CLIENT_ID is not configured. */
  readonly sim: SimPath | undefined;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(createDemoRoutes(deps));
  app.use(createCallCentreRoutes(deps));
  app.use(createSimRoutes(deps));
  app.use((_req, res) => {
    res.status(404).type('html').send(notFoundPage());
  });
  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    const status = (err as { status?: unknown }).status;
    const code = typeof status === 'number' && status < 500 ? status : 500;
    if (code === 500) deps.logger.error('request failed', { error: String(err) });
    const message = code === 500 ? 'Something went wrong.' : 'The request was not understood.';
    res
      .status(code)
      .type('html')
      .send(layout('Error', `<h1>${message}</h1><p><a href="/">Home</a></p>`));
  };
  app.use(onError);
  return app;
}
