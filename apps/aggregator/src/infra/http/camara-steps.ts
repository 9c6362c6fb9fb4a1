import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  CamaraError,
  camaraError,
  newCorrelator,
  toCamaraBody,
  validateCorrelator,
  X_CORRELATOR_HEADER,
} from '@switchboard/camara';
import { ConflictError, InputError, NotFoundError, type Logger } from '@switchboard/telco-finder';
import { ProxyError } from '../../proxy/proxy-error.js';
import type { MachineCaller, MachineTokenVerifier } from '../../clients/machine-token-verifier.js';

// Steps shared by the aggregator's own CAMARA-style APIs (telco finder, operator API).

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/** CAMARA Commonalities: echo a valid x-correlator, generate one when absent. */
export function correlator(req: Request, res: Response, next: NextFunction): void {
  res.setHeader(X_CORRELATOR_HEADER, newCorrelator());
  const given = validateCorrelator(req.headers[X_CORRELATOR_HEADER]);
  if (given !== undefined) res.setHeader(X_CORRELATOR_HEADER, given);
  res.locals.correlator = res.getHeader(X_CORRELATOR_HEADER);
  next();
}

/** Bearer client-credentials token → `res.locals.caller`, else 401/403. */
export function authenticate(tokens: MachineTokenVerifier): RequestHandler {
  return (req, res, next) => {
    const bearer = BEARER.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer) return next(camaraError('UNAUTHENTICATED'));
    tokens.verify(bearer).then((caller: MachineCaller) => {
      res.locals.caller = caller;
      res.locals.clientId = caller.clientId;
      next();
    }, next);
  };
}

/** CAMARA `{status, code, message}` for every error; nothing from a 5xx cause leaks. */
export function camaraErrorHandler(logger: Logger, what: string) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const body = toCamaraBody(toCamara(err));
    if (body.status >= 500)
      logger.error(`${what} failed`, {
        error: err instanceof Error ? err.message : String(err),
        correlator: res.locals.correlator,
      });
    if (body.status === 401) res.setHeader('www-authenticate', 'Bearer');
    // Retry-After on 429 (RFC 9110 §10.2.3).
    if (err instanceof ProxyError) res.set(err.headers);
    res.status(body.status).json(body);
  };
}

/** Domain and body-parser errors are the client's (4xx); anything else is ours. */
function toCamara(err: unknown): unknown {
  if (err instanceof InputError) return camaraError('INVALID_ARGUMENT', err.message);
  if (err instanceof NotFoundError) return camaraError('NOT_FOUND', err.message);
  // CAMARA Commonalities: 409 CONFLICT, "The resource is in a conflicting state".
  if (err instanceof ConflictError) return new CamaraError(409, 'CONFLICT', err.message);
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return camaraError('INVALID_ARGUMENT', 'The body is too large.');
  if (typeof type === 'string' && type.startsWith('entity.'))
    return camaraError('INVALID_ARGUMENT', 'The body is not valid JSON.');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported')
    return camaraError('INVALID_ARGUMENT', 'The body encoding is not supported.');
  return err;
}
