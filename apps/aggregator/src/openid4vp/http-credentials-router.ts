import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import { isCamaraError } from '@switchboard/camara';
import { isDatabaseUnavailable } from '@switchboard/db';
import type { Logger } from '@switchboard/telco-finder';
import type { BackendClient } from '../clients/client-service.js';
import type { MachineTokenVerifier } from '../clients/machine-token-verifier.js';
import type { RateLimits } from '../infra/rate-limit/rate-limits.js';
import type { DcqlCredential } from './credential-request.js';
import { invalidRequest, OpenId4VpError } from './openid4vp-errors.js';

export const OPENID4VP_CREDENTIALS_PATH = '/openid4vp/credentials';

export interface CredentialsRouterDeps {
  readonly tokens: MachineTokenVerifier;
  readonly backendClient: (id: string) => Promise<BackendClient | undefined>;
  readonly requestCredential: (client: BackendClient, body: unknown) => Promise<DcqlCredential>;
  readonly logger: Logger;
  readonly limits?: RateLimits;
  readonly sourceIp?: (req: Request) => string | undefined;
}

/** The body is four small members (contract: ≤ 4 kB). */
const BODY_LIMIT = '4kb';
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/**
 * `POST /openid4vp/credentials` (the guide, Step 1) on the public listener: per-address limit
 * → bearer (client credentials, scope openid4vp) → per-client limit → JSON body → request.
 * Errors are OAuth-style JSON (`error`, `error_description`), never cached.
 */
export function createCredentialsRouter(deps: CredentialsRouterDeps): Router {
  const router = express.Router();
  router.post(
    OPENID4VP_CREDENTIALS_PATH,
    noStore,
    limit(
      deps,
      (req) => ({ ip: deps.sourceIp?.(req) ?? req.socket.remoteAddress }),
      'this address',
    ),
    authenticate(deps),
    limit(
      deps,
      (_req, res) => ({ clientId: (res.locals.client as BackendClient).id }),
      'this client',
    ),
    express.json({ limit: BODY_LIMIT, strict: true, type: () => true }),
    (req: Request, res: Response, next: NextFunction) => {
      deps
        .requestCredential(res.locals.client as BackendClient, req.body)
        .then((credential) => res.status(200).json(credential), next);
    },
  );
  router.all(OPENID4VP_CREDENTIALS_PATH, noStore, (_req, res) => {
    res.setHeader('allow', 'POST');
    res.status(405).json({ error: 'invalid_request', error_description: 'use POST' });
  });
  router.use(OPENID4VP_CREDENTIALS_PATH, errorHandler(deps.logger));
  return router;
}

function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('cache-control', 'no-store');
  next();
}

const invalidToken = (description: string) => new OpenId4VpError(401, 'invalid_token', description);

function authenticate(deps: CredentialsRouterDeps): RequestHandler {
  return (req, res, next) => {
    const bearer = BEARER.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer)
      return next(invalidToken('send Authorization: Bearer <access token with scope openid4vp>'));
    deps.tokens
      .verify(bearer)
      .then(async (caller) => {
        const client = await deps.backendClient(caller.clientId);
        if (!client) throw invalidToken('the token is not a backend client token');
        res.locals.client = client;
      })
      .then(
        () => next(),
        (err: unknown) => next(tokenFailure(err)),
      );
  };
}

function tokenFailure(err: unknown): unknown {
  if (!isCamaraError(err)) return err;
  if (err.status === 403)
    return new OpenId4VpError(
      403,
      'insufficient_scope',
      'the access token lacks the openid4vp scope',
    );
  return invalidToken(
    err.status === 401 && /expired/.test(err.message)
      ? 'the access token has expired'
      : 'the access token is invalid',
  );
}

function limit(
  deps: CredentialsRouterDeps,
  subject: (req: Request, res: Response) => { ip?: string | undefined; clientId?: string },
  who: string,
): RequestHandler {
  return (req, res, next) => {
    const decision = deps.limits?.check('openid4vp', subject(req, res));
    if (!decision || decision.allowed) return next();
    res.setHeader('retry-after', String(decision.retryAfterSeconds));
    next(
      new OpenId4VpError(
        429,
        'too_many_requests',
        `rate limit reached for ${who}; retry after ${decision.retryAfterSeconds} s`,
      ),
    );
  };
}

function errorHandler(logger: Logger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const answer = toError(err, logger);
    if (answer.status === 401) res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
    if (answer.status === 403)
      res.setHeader('www-authenticate', 'Bearer error="insufficient_scope", scope="openid4vp"');
    res.status(answer.status).json(answer.body());
  };
}

function toError(err: unknown, logger: Logger): OpenId4VpError {
  if (err instanceof OpenId4VpError) return err;
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large')
    return new OpenId4VpError(413, 'invalid_request', `the body must be at most ${BODY_LIMIT}`);
  if (
    e?.type === 'entity.parse.failed' ||
    e?.type === 'charset.unsupported' ||
    e?.type === 'encoding.unsupported'
  )
    return invalidRequest('the body must be a JSON object');
  if (e?.status === 400 || e?.type === 'request.aborted')
    return invalidRequest('the request body could not be read');
  if (isDatabaseUnavailable(err))
    return new OpenId4VpError(
      503,
      'temporarily_unavailable',
      'the aggregator cannot reach its database; retry shortly',
    );
  logger.error('openid4vp credential request failed', { error: String(err) });
  return new OpenId4VpError(500, 'server_error', 'the credential request could not be completed');
}
