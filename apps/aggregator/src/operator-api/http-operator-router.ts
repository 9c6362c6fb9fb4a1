import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { camaraError } from '@switchboard/camara';
import { operatorAuditQuerySchema, type RouteChangeMode } from '@switchboard/contracts';
import type { Actor, Logger } from '@switchboard/telco-finder';
import { authenticate, correlator } from '../infra/http/camara-steps.js';
import { problemHandler } from '../infra/http/problem-responses.js';
import { parseRequest } from '../infra/parse-request.js';
import type { MachineCaller, MachineTokenVerifier } from '../clients/machine-token-verifier.js';
import { OPERATOR_API_PATH } from './operator-api-scope.js';
import type { OperatorSelfService } from './operator-self-service.js';

export interface OperatorRouterDeps {
  readonly service: OperatorSelfService;
  readonly tokens: MachineTokenVerifier;
  /** The operator a client acts for now (a client re-bound or disabled loses its tokens). */
  readonly operatorOf: (clientId: string) => Promise<string | undefined>;
  /** A disabled operator keeps its clients but not its API (an admin's `operators disable`). */
  readonly isOperatorActive: (operatorId: string) => Promise<boolean>;
  readonly logger: Logger;
}

const BODY_LIMIT = '5mb';
const ROUTES = ':operatorId/routes';

/**
 * The operator self-service API on the public listener. Every request passes the same
 * steps: correlator → bearer (client credentials, scope operator:manage) → the path's
 * operator must be the token's (isolation) → JSON body → the operation.
 */
export function createOperatorRouter(deps: OperatorRouterDeps): Router {
  const { service } = deps;
  const router = express.Router();
  const api = express.Router({ mergeParams: true });
  router.use(`${OPERATOR_API_PATH}/operators`, correlator, authenticate(deps.tokens), api);
  api.use('/:operatorId', ownOperatorOnly(deps.operatorOf), activeOperatorOnly(deps));
  api.use(express.json({ limit: BODY_LIMIT, strict: true }));

  api.get('/:operatorId', async (req, res) => {
    res.json(await service.profile(op(req)));
  });
  api.patch('/:operatorId', async (req, res) => {
    res.json(await service.updateProfile(op(req), req.body, actor(req, res)));
  });
  api.get(`/${ROUTES}`, async (req, res) => {
    res.json(await service.routes(op(req)));
  });
  const change = (mode: RouteChangeMode) => async (req: Request, res: Response) => {
    res.json(await service.changeRoutes(op(req), mode, req.body, actor(req, res)));
  };
  api.post(`/${ROUTES}`, change('add'));
  api.post(`/${ROUTES}/remove`, change('remove'));
  api.put(`/${ROUTES}`, change('replace'));
  api.get('/:operatorId/audit', async (req, res) => {
    res.json({
      items: await service.audit(op(req), parseRequest(operatorAuditQuerySchema, req.query)),
    });
  });
  api.all(/.*/, notFound);
  // The rest of the namespace too (found by the fuzz suite: `/operators/v1/x` fell through
  // to the OIDC provider's plain-text 404).
  router.use(OPERATOR_API_PATH, correlator, notFound);
  router.use(
    OPERATOR_API_PATH,
    problemHandler('camara', { logger: deps.logger, what: 'operator API' }),
  );
  return router;
}

const notFound = (_req: Request, _res: Response, next: NextFunction) =>
  next(camaraError('NOT_FOUND', 'No such operator API resource.'));

/** Isolation: a token acts for the operator it was issued for, and for no other. */
function ownOperatorOnly(operatorOf: OperatorRouterDeps['operatorOf']) {
  return (req: Request, res: Response, next: NextFunction) => {
    const caller = res.locals.caller as MachineCaller;
    const claimed = caller.claims.operator_id;
    operatorOf(caller.clientId).then((bound) => {
      if (typeof claimed !== 'string' || bound !== claimed)
        return next(camaraError('UNAUTHENTICATED'));
      if (req.params.operatorId !== claimed)
        return next(
          camaraError('PERMISSION_DENIED', `This token acts for operator '${claimed}' only.`),
        );
      next();
    }, next);
  };
}

/** After isolation, so the path's operator is the caller's own. */
function activeOperatorOnly(deps: Pick<OperatorRouterDeps, 'isOperatorActive'>) {
  return (req: Request, _res: Response, next: NextFunction) => {
    deps.isOperatorActive(op(req)).then((active) => {
      if (active) return next();
      next(
        camaraError(
          'PERMISSION_DENIED',
          `Operator '${op(req)}' is disabled: its operator API is closed until an admin enables it.`,
        ),
      );
    }, next);
  };
}

const op = (req: Request) => String(req.params.operatorId);

function actor(req: Request, res: Response): Actor {
  return { kind: 'operator', id: `${op(req)}/${(res.locals.caller as MachineCaller).clientId}` };
}
