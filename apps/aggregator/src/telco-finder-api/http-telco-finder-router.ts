import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import {
  camaraError,
  newCorrelator,
  toCamaraBody,
  validateCorrelator,
  X_CORRELATOR_HEADER,
} from '@switchboard/camara';
import type { Logger } from '@switchboard/telco-finder';
import { ProxyError } from '../proxy/proxy-error.js';
import type { RateLimits } from '../rate-limit/rate-limits.js';
import { tooManyRequests } from '../rate-limit/too-many-requests.js';
import type { FinderSearch } from './finder-search.js';
import type { FinderTokenVerifier } from './finder-token-verifier.js';

export const TELCO_FINDER_SEARCH_PATH = '/telco-finder/v1/search';

export interface TelcoFinderRouterDeps {
  readonly search: FinderSearch;
  readonly tokens: FinderTokenVerifier;
  readonly logger: Logger;
  /** Per-address and per-client limits; omitted → unlimited. */
  readonly limits?: RateLimits;
  /** The caller's address (socket, or X-Forwarded-For from TRUST_PROXY). */
  readonly sourceIp?: (req: Request) => string | undefined;
}

/** A search body is a handful of fields; anything larger is not a search. */
const BODY_LIMIT = '8kb';
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/**
 * GSMA OPG.10 telco finder search on the public listener. Each request passes the steps
 * in order: correlator → per-address limit → bearer (client credentials, scope
 * telco-finder) → per-client limit → JSON body → search.
 */
export function createTelcoFinderRouter(deps: TelcoFinderRouterDeps): Router {
  const router = express.Router();
  router.post(
    TELCO_FINDER_SEARCH_PATH,
    correlator,
    limit(
      deps,
      (req) => ({ ip: deps.sourceIp?.(req) ?? req.socket.remoteAddress }),
      'this address',
    ),
    authenticate(deps.tokens),
    limit(deps, (_req, res) => ({ clientId: String(res.locals.clientId) }), 'this client'),
    express.json({ limit: BODY_LIMIT, strict: true, type: () => true }),
    (req: Request, res: Response) => {
      res.status(200).json(deps.search.search(req.body));
    },
  );
  router.all(TELCO_FINDER_SEARCH_PATH, (_req, _res, next) =>
    next(camaraError('METHOD_NOT_ALLOWED')),
  );
  router.use(TELCO_FINDER_SEARCH_PATH, errorHandler(deps.logger));
  return router;
}

/** CAMARA Commonalities: echo a valid x-correlator, generate one when absent. */
function correlator(req: Request, res: Response, next: NextFunction): void {
  res.setHeader(X_CORRELATOR_HEADER, newCorrelator());
  const given = validateCorrelator(req.headers[X_CORRELATOR_HEADER]);
  if (given !== undefined) res.setHeader(X_CORRELATOR_HEADER, given);
  res.locals.correlator = res.getHeader(X_CORRELATOR_HEADER);
  next();
}

function limit(
  deps: TelcoFinderRouterDeps,
  subject: (req: Request, res: Response) => { ip?: string | undefined; clientId?: string },
  who: string,
): RequestHandler {
  return (req, res, next) => {
    const decision = deps.limits?.check('finder', subject(req, res));
    next(decision && !decision.allowed ? tooManyRequests(decision, who) : undefined);
  };
}

function authenticate(tokens: FinderTokenVerifier): RequestHandler {
  return (req, res, next) => {
    const bearer = BEARER.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer) return next(camaraError('UNAUTHENTICATED'));
    tokens.verify(bearer).then((caller) => {
      res.locals.clientId = caller.clientId;
      next();
    }, next);
  };
}

function errorHandler(logger: Logger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const body = toCamaraBody(fromBodyParser(err));
    if (body.status >= 500)
      logger.error('telco finder search failed', {
        error: err instanceof Error ? err.message : String(err),
        correlator: res.locals.correlator,
      });
    if (body.status === 401) res.setHeader('www-authenticate', 'Bearer');
    if (err instanceof ProxyError) res.set(err.headers);
    res.status(body.status).json(body);
  };
}

/** body-parser's errors carry a `type`; they are the client's fault, never a 500. */
function fromBodyParser(err: unknown): unknown {
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return camaraError('INVALID_ARGUMENT', 'The body is too large.');
  if (typeof type === 'string' && type.startsWith('entity.'))
    return camaraError('INVALID_ARGUMENT', 'The body is not valid JSON.');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported')
    return camaraError('INVALID_ARGUMENT', 'The body encoding is not supported.');
  return err;
}
