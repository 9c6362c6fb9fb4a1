import {
  CamaraError,
  camaraError,
  newCorrelator,
  toCamaraBody,
  validateCorrelator,
} from '@switchboard/camara';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '../logger.js';
import type { SimSwapService } from './sim-swap-service.js';

export interface SimSwapRouterDeps {
  readonly service: SimSwapService;
  readonly logger: Logger;
}

/**
 * CAMARA SIM Swap 2.1.0, mounted at `/sim-swap`: `POST /v2/check`, `POST /v2/retrieve-date`.
 * Every answer, errors included, echoes a valid `x-correlator`.
 */
export function createSimSwapRouter(deps: SimSwapRouterDeps): Router {
  const router = express.Router();
  router.use(correlate(deps.logger), negotiate);
  const raw = express.raw({ type: () => true, limit: '16kb' });
  router.post('/v2/check', raw, async (req, res) => {
    res
      .status(200)
      .json(await deps.service.check({ accessToken: bearerToken(req) }, () => jsonBody(req)));
  });
  router.post('/v2/retrieve-date', raw, async (req, res) => {
    res
      .status(200)
      .json(
        await deps.service.retrieveDate({ accessToken: bearerToken(req) }, () => jsonBody(req)),
      );
  });
  for (const path of ['check', 'retrieve-date']) {
    router.all(`/v2/${path}`, (_req, _res, next) => next(camaraError('METHOD_NOT_ALLOWED')));
  }
  router.use((_req, _res, next) => next(camaraError('NOT_FOUND')));
  router.use(errorHandler);
  return router;
}

function correlate(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = validateCorrelator(req.headers['x-correlator']);
    if (given !== undefined) res.set('x-correlator', given);
    res.locals.logger = logger.child({ correlator: given ?? newCorrelator() });
    next();
  };
}

function negotiate(req: Request, _res: Response, next: NextFunction): void {
  if (req.headers.accept && !req.accepts('application/json'))
    return next(camaraError('NOT_ACCEPTABLE'));
  next();
}

/** RFC 6750 §2.1 bearer token from the Authorization header. */
function bearerToken(req: Request): string | undefined {
  return /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(req.headers.authorization ?? '')?.[1];
}

/** The decoded JSON body; undefined when there is none (400 INVALID_ARGUMENT later: required). */
function jsonBody(req: Request): unknown {
  const raw: unknown = req.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return undefined;
  if (!req.is('application/json')) throw camaraError('UNSUPPORTED_MEDIA_TYPE');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw camaraError('INVALID_ARGUMENT', 'The request body is not valid JSON.');
  }
}

function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const body = toCamaraBody(err instanceof CamaraError ? err : fromHttpError(err));
  const logger = res.locals.logger as Logger | undefined;
  if (body.status >= 500) logger?.error('sim swap failed', { error: (err as Error)?.message });
  if (body.status === 401) res.set('WWW-Authenticate', 'Bearer');
  res.status(body.status).json(body);
}

/** Body-parser errors carry an HTTP status; map them onto CAMARA codes. */
function fromHttpError(err: unknown): unknown {
  const status = (err as { status?: number } | undefined)?.status;
  if (status === 415) return camaraError('UNSUPPORTED_MEDIA_TYPE');
  if (status === 413 || status === 400)
    return camaraError('INVALID_ARGUMENT', 'The request body could not be read.');
  return err;
}
