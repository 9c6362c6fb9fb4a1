import {
  CamaraError,
  NV_API_VERSIONS,
  camaraError,
  newCorrelator,
  toCamaraBody,
  validateCorrelator,
  type NvApiVersion,
} from '@switchboard/camara';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '../logger.js';
import type { NumberVerificationService } from '../services/number-verification-service.js';

export interface NumberVerificationRouterDeps {
  readonly service: NumberVerificationService;
  readonly logger: Logger;
}

/**
 * CAMARA Number Verification, mounted at `/number-verification`: `/v2` is NV 2.1, `/v0`
 * NV 0.3.1. Every answer, errors included, echoes a valid `x-correlator`.
 */
export function createNumberVerificationRouter(deps: NumberVerificationRouterDeps): Router {
  const router = express.Router();
  router.use(correlate(deps.logger), negotiate);
  for (const version of NV_API_VERSIONS) mountVersion(router, deps.service, version);
  router.use((_req, _res, next) => next(camaraError('NOT_FOUND')));
  router.use(camaraErrorHandler);
  return router;
}

function mountVersion(
  router: Router,
  service: NumberVerificationService,
  version: NvApiVersion,
): void {
  const raw = express.raw({ type: () => true, limit: '16kb' });
  router.post(`/${version}/verify`, raw, async (req, res) => {
    const result = await service.verify({ version, accessToken: bearerToken(req) }, () =>
      jsonBody(req),
    );
    res.status(200).json(result);
  });
  router.get(`/${version}/device-phone-number`, async (req, res) => {
    res
      .status(200)
      .json(await service.devicePhoneNumber({ version, accessToken: bearerToken(req) }));
  });
  for (const path of ['verify', 'device-phone-number']) {
    router.all(`/${version}/${path}`, (_req, _res, next) =>
      next(camaraError('METHOD_NOT_ALLOWED')),
    );
  }
}

export function correlate(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = validateCorrelator(req.headers['x-correlator']);
    if (given !== undefined) res.set('x-correlator', given);
    res.locals.logger = logger.child({ correlator: given ?? newCorrelator() });
    next();
  };
}

export function negotiate(req: Request, _res: Response, next: NextFunction): void {
  if (req.headers.accept && !req.accepts('application/json'))
    return next(camaraError('NOT_ACCEPTABLE'));
  next();
}

/** RFC 6750 §2.1 bearer token from the Authorization header. */
export function bearerToken(req: Request): string | undefined {
  return /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(req.headers.authorization ?? '')?.[1];
}

/** The decoded JSON body; undefined when there is none (NV: 400 INVALID_ARGUMENT later). */
export function jsonBody(req: Request): unknown {
  const raw: unknown = req.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return undefined;
  if (!req.is('application/json')) throw camaraError('UNSUPPORTED_MEDIA_TYPE');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw camaraError('INVALID_ARGUMENT', 'The request body is not valid JSON.');
  }
}

export function camaraErrorHandler(
  err: unknown,
  _req: Request,
  res: Response,
  _next: NextFunction,
): void {
  const mapped = err instanceof CamaraError ? err : fromHttpError(err);
  const body = toCamaraBody(mapped);
  const logger = (res.locals.logger as Logger | undefined) ?? undefined;
  if (body.status >= 500)
    logger?.error('number verification failed', { error: (err as Error)?.message });
  if (body.status === 401) res.set('WWW-Authenticate', 'Bearer');
  res.status(body.status).json(body);
}

/** Body-parser and similar errors carry an HTTP status; map them onto CAMARA codes. */
function fromHttpError(err: unknown): CamaraError | unknown {
  const status = (err as { status?: number } | undefined)?.status;
  if (status === 415) return camaraError('UNSUPPORTED_MEDIA_TYPE');
  if (status === 413 || status === 400)
    return camaraError('INVALID_ARGUMENT', 'The request body could not be read.');
  return err;
}
