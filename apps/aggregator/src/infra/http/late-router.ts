import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { RequestListener } from 'node:http';
import { errorPage } from './error-page.js';

export interface LateRouter {
  readonly router: Router;
  /** Mounts the handlers once they exist (the issuer is known only after listening). */
  attach(...handlers: Array<Router | RequestListener>): void;
}

/**
 * The public listener starts before the OIDC provider because its issuer defaults to the
 * listener's URL; requests in between get a 503 instead of a 404.
 */
export function createLateRouter(...before: Router[]): LateRouter {
  const router = express.Router();
  for (const r of before) router.use(r);
  let attached: Array<Router | RequestListener> | undefined;
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (!attached)
      return void res
        .status(503)
        .type('html')
        .send(errorPage('temporarily_unavailable', 'starting up'));
    const chain = [...attached];
    const step = (err?: unknown): void => {
      if (err) return next(err);
      const handler = chain.shift();
      if (!handler) return next();
      (handler as (q: Request, s: Response, n: NextFunction) => void)(req, res, step);
    };
    step();
  });
  return {
    router,
    attach(...handlers) {
      attached = handlers;
    },
  };
}
