import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import { camaraError } from '@switchboard/camara';
import type { Logger } from '@switchboard/telco-finder';
import { authenticate, correlator } from '../infra/http/camara-steps.js';
import { problemHandler } from '../infra/http/problem-responses.js';
import type { RateLimits } from '../infra/rate-limit/rate-limits.js';
import { tooManyRequests } from '../infra/rate-limit/too-many-requests.js';
import type { MachineTokenVerifier } from '../clients/machine-token-verifier.js';
import type { FinderSearch } from './finder-search.js';

export const TELCO_FINDER_SEARCH_PATH = '/telco-finder/v1/search';

export interface TelcoFinderRouterDeps {
  readonly search: FinderSearch;
  readonly tokens: MachineTokenVerifier;
  readonly logger: Logger;
  /** Per-address and per-client limits; omitted → unlimited. */
  readonly limits?: RateLimits;
  /** The caller's address (socket, or X-Forwarded-For from TRUST_PROXY). */
  readonly sourceIp?: (req: Request) => string | undefined;
}

/** A search body is a handful of fields; anything larger is not a search. */
const BODY_LIMIT = '8kb';

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
    (req: Request, res: Response, next: NextFunction) => {
      deps.search.search(req.body).then((answer) => res.status(200).json(answer), next);
    },
  );
  router.all(TELCO_FINDER_SEARCH_PATH, (_req, _res, next) =>
    next(camaraError('METHOD_NOT_ALLOWED')),
  );
  router.use(
    TELCO_FINDER_SEARCH_PATH,
    problemHandler('camara', { logger: deps.logger, what: 'telco finder search' }),
  );
  return router;
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
