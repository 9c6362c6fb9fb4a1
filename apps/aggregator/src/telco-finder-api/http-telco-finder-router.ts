import express, { type Request, type Response, type Router } from 'express';
import { camaraError } from '@switchboard/camara';
import type { Logger } from '@switchboard/telco-finder';
import { authenticate, camaraErrorHandler, correlator } from '../http/camara-steps.js';
import type { MachineTokenVerifier } from '../services/machine-token-verifier.js';
import type { FinderSearch } from './finder-search.js';

export const TELCO_FINDER_SEARCH_PATH = '/telco-finder/v1/search';

export interface TelcoFinderRouterDeps {
  readonly search: FinderSearch;
  readonly tokens: MachineTokenVerifier;
  readonly logger: Logger;
}

/** A search body is a handful of fields; anything larger is not a search. */
const BODY_LIMIT = '8kb';

/**
 * GSMA OPG.10 telco finder search on the public listener. Each request passes the steps
 * in order: correlator → bearer (client credentials, scope telco-finder) → JSON body → search.
 */
export function createTelcoFinderRouter(deps: TelcoFinderRouterDeps): Router {
  const router = express.Router();
  router.post(
    TELCO_FINDER_SEARCH_PATH,
    correlator,
    authenticate(deps.tokens),
    express.json({ limit: BODY_LIMIT, strict: true, type: () => true }),
    (req: Request, res: Response) => {
      res.status(200).json(deps.search.search(req.body));
    },
  );
  router.all(TELCO_FINDER_SEARCH_PATH, (_req, _res, next) =>
    next(camaraError('METHOD_NOT_ALLOWED')),
  );
  router.use(TELCO_FINDER_SEARCH_PATH, camaraErrorHandler(deps.logger, 'telco finder search'));
  return router;
}
