import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '../logger.js';
import {
  EntitlementError,
  type EntitlementErrorCode,
  type EntitlementService,
} from '../operator-token/entitlement-service.js';

const STATUS: Readonly<Record<EntitlementErrorCode, number>> = {
  invalid_request: 400,
  unknown_subscriber: 404,
  authentication_failed: 401,
};

/**
 * The sandbox's TS.43-style entitlement service, mounted at `/ts43` (README "Operator tokens"):
 * `POST /v1/challenge` and `POST /v1/temporary-token`, JSON in and out, never cached.
 */
export function createEntitlementRouter(deps: {
  readonly service: EntitlementService;
  readonly logger: Logger;
}): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });
  const json = express.json({ limit: '4kb', strict: true, type: () => true });
  const requireJson = (req: Request, _res: Response, next: NextFunction) =>
    next(
      req.is('application/json')
        ? undefined
        : new EntitlementError('invalid_request', 'the body must be application/json'),
    );
  router.post('/v1/challenge', requireJson, json, (req, res) => {
    res.status(200).json(deps.service.challenge(req.body));
  });
  router.post('/v1/temporary-token', requireJson, json, (req, res) => {
    res.status(200).json(deps.service.temporaryToken(req.body));
  });
  router.use((_req, res) => {
    res
      .status(404)
      .json({ error: 'not_found', error_description: 'no such entitlement operation' });
  });
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof EntitlementError) {
      res.status(STATUS[err.error]).json({ error: err.error, error_description: err.description });
      return;
    }
    // body-parser's refusals (invalid JSON, too large, bad charset) carry a 4xx status.
    const parse = err as { type?: unknown; status?: unknown };
    if (typeof parse.type === 'string' && typeof parse.status === 'number' && parse.status < 500) {
      res.status(parse.status === 413 ? 413 : 400).json({
        error: 'invalid_request',
        error_description:
          parse.status === 413 ? 'the body is larger than 4 kB' : 'the body is not a JSON object',
      });
      return;
    }
    deps.logger.error('entitlement request failed', { error: (err as Error).message });
    res.status(500).json({ error: 'server_error' });
  });
  return router;
}
