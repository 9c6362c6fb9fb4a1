import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  camaraError,
  newCorrelator,
  validateCorrelator,
  X_CORRELATOR_HEADER,
} from '@switchboard/camara';
import type { MachineCaller, MachineTokenVerifier } from '../../clients/machine-token-verifier.js';

// Steps shared by the aggregator's own CAMARA-style APIs (telco finder, operator API); their
// errors are answered by problemHandler('camara') (problem-responses.ts).

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
