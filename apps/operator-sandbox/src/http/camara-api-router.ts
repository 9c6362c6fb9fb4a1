import {
  CamaraError,
  camaraError,
  newCorrelator,
  toCamaraBody,
  validateCorrelator,
} from '@switchboard/camara';
import express, {
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type Response,
  type Router,
} from 'express';
import type { Logger } from '../logger.js';

/** One operation of a CAMARA API: its answer is `200` with `handle`'s result as JSON. */
export interface CamaraOperation {
  readonly method: 'get' | 'post';
  /** Path under the API's mount point, e.g. `/v2/check`. */
  readonly path: string;
  readonly handle: (req: Request) => Promise<unknown>;
}

export interface CamaraApiRouterOptions {
  readonly logger: Logger;
  /** Names the API in the log line of a 5xx, e.g. `sim swap` → `sim swap failed`. */
  readonly name: string;
  readonly operations: ReadonlyArray<CamaraOperation>;
}

/**
 * A CAMARA API router: `x-correlator` echo, `Accept` negotiation, the operations (a POST's
 * body read raw, up to 16 kB, for `jsonBody`), 405 with `Allow` for another method on an
 * operation's path (RFC 9110 §15.5.6: the server MUST send it), 404 for any other path, and every error as a CAMARA error body.
 */
export function createCamaraApiRouter(options: CamaraApiRouterOptions): Router {
  const router = express.Router();
  router.use(correlate(options.logger), negotiate);
  const raw = express.raw({ type: () => true, limit: '16kb' });
  const methods = new Map<string, string[]>();
  for (const { method, path, handle } of options.operations) {
    const answer = async (req: Request, res: Response) => {
      res.status(200).json(await handle(req));
    };
    if (method === 'post') router.post(path, raw, answer);
    else router.get(path, answer);
    methods.set(path, [...(methods.get(path) ?? []), method.toUpperCase()]);
  }
  for (const [path, allowed] of methods) {
    const headers = { Allow: allowed.join(', ') };
    router.all(path, (_req, _res, next) =>
      next(camaraError('METHOD_NOT_ALLOWED', undefined, { headers })),
    );
  }
  router.use((_req, _res, next) => next(camaraError('NOT_FOUND')));
  router.use(camaraErrorHandler(options.name));
  return router;
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

/** The decoded JSON body; undefined when there is none (the service answers 400 if required). */
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

/** Any error as a CAMARA error body; `name` goes in the log line of a 5xx. */
export function camaraErrorHandler(name: string): ErrorRequestHandler {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const mapped = err instanceof CamaraError ? err : fromHttpError(err);
    const body = toCamaraBody(mapped);
    const logger = res.locals.logger as Logger | undefined;
    if (body.status >= 500) logger?.error(`${name} failed`, { error: (err as Error)?.message });
    if (body.status === 401) res.set('WWW-Authenticate', 'Bearer');
    if (mapped instanceof CamaraError) res.set(mapped.headers);
    res.status(body.status).json(body);
  };
}

/** Body-parser and similar errors carry an HTTP status; map them onto CAMARA codes. */
function fromHttpError(err: unknown): unknown {
  const status = (err as { status?: number } | undefined)?.status;
  if (status === 415) return camaraError('UNSUPPORTED_MEDIA_TYPE');
  if (status === 413 || status === 400)
    return camaraError('INVALID_ARGUMENT', 'The request body could not be read.');
  return err;
}
