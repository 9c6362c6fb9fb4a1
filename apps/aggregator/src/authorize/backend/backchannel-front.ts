import type { RequestListener } from 'node:http';
import express, { type Router } from 'express';
import {
  createLocalJWKSet,
  decodeJwt,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import type { Knex } from 'knex';
import type { BackendClient } from '../../clients/client-service.js';
import { spendAssertionId } from '../store/backchannel-store.js';
import { GrantError } from './jwt-bearer.js';
import { readForm, replay } from '../../infra/http/replayable-request.js';
import { sendError, UNREADABLE } from './token-front.js';

export interface BackchannelFrontDeps {
  readonly issuer: string;
  /** `{issuer}/bc-authorize`: the audience ICM recommends for signed requests. */
  readonly endpoint: string;
  readonly knex: Knex;
  readonly backendClient: (id: string) => Promise<BackendClient | undefined>;
  readonly oidcHandler: RequestListener;
}

/** OIDC CIBA Core §7.1.1: a signed authentication request carries these, with its parameters. */
const JWT_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'jti']);
/** Client authentication stays outside the request object (RFC 7521 §4.2). */
const CLIENT_AUTH = ['client_id', 'client_assertion', 'client_assertion_type'];
/** ICM r4.2: at most 300 s between `iat` and `exp`, as for every assertion. */
const MAX_LIFETIME = 300;
const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'EdDSA'];

const invalid = (description: string) =>
  new GrantError('invalid_request_object', `signed request: ${description}`);

/**
 * ICM r4.2 "Authentication Request": it is RECOMMENDED that a signed CIBA request's `aud` be
 * the backchannel endpoint's URL. oidc-provider accepts only its issuer there, so a request
 * object addressed to the endpoint is verified here (signature with the client's keys, `iss`,
 * `aud`, `exp`, `iat`, `nbf`, `jti` once) and its parameters handed on as the request's own,
 * the only ones that count (CIBA Core §7.1.1). Any other request reaches oidc-provider as sent.
 */
export function createBackchannelFront(deps: BackchannelFrontDeps): Router {
  const router = express.Router();
  router.post('/bc-authorize', async (req, res, next) => {
    if (!req.is('application/x-www-form-urlencoded')) return next();
    const form = await readForm(req);
    if (!form) return sendError(res, UNREADABLE);
    const { raw, params } = form;
    const request = params.getAll('request');
    if (request.length !== 1 || !addressedToEndpoint(request[0]!, deps.endpoint))
      return deps.oidcHandler(replay(req, raw), res);
    let unpacked: URLSearchParams;
    try {
      unpacked = await unpack(deps, request[0]!, params);
    } catch (err) {
      if (err instanceof GrantError) return sendError(res, err);
      throw err;
    }
    const body = Buffer.from(unpacked.toString(), 'utf8');
    const headers = { ...req.headers, 'content-length': String(body.length) };
    return deps.oidcHandler(replay(req, body, headers), res);
  });
  return router;
}

function addressedToEndpoint(request: string, endpoint: string): boolean {
  try {
    const { aud } = decodeJwt(request);
    return aud === endpoint || (Array.isArray(aud) && aud.length === 1 && aud[0] === endpoint);
  } catch {
    return false;
  }
}

async function unpack(
  deps: BackchannelFrontDeps,
  request: string,
  outer: URLSearchParams,
): Promise<URLSearchParams> {
  const iss = decodeJwt(request).iss;
  const client = typeof iss === 'string' ? await deps.backendClient(iss) : undefined;
  if (!client) throw invalid('iss is not a backend client allowed CIBA');
  const named = outer.get('client_id');
  if (named !== null && named !== client.id) throw invalid('iss differs from client_id');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(request, createLocalJWKSet(client.jwks as JSONWebKeySet), {
      issuer: client.id,
      audience: deps.endpoint,
      algorithms: ALGORITHMS,
      requiredClaims: ['exp', 'iat', 'nbf', 'jti'],
    }));
  } catch (err) {
    throw invalid(
      err instanceof joseErrors.JWTExpired
        ? 'it has expired'
        : err instanceof joseErrors.JWTClaimValidationFailed
          ? `its ${err.claim} claim is missing or invalid`
          : "its signature does not verify with the client's registered keys",
    );
  }
  const { exp, iat, jti } = payload as { exp: number; iat: number; jti: unknown };
  if (exp - iat > MAX_LIFETIME)
    throw invalid(`exp must be at most ${MAX_LIFETIME} seconds after iat`);
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256)
    throw invalid('jti must be a string of 1 to 256 characters');
  const inner = new URLSearchParams();
  for (const name of CLIENT_AUTH) for (const v of outer.getAll(name)) inner.append(name, v);
  for (const [name, value] of Object.entries(payload)) {
    if (JWT_CLAIMS.has(name) || CLIENT_AUTH.includes(name)) continue;
    if (typeof value !== 'string') throw invalid(`${name} must be a string`);
    inner.set(name, value);
  }
  if (!(await spendAssertionId(deps.knex, client.id, `request:${jti}`, new Date(exp * 1000))))
    throw invalid('its jti was used already');
  return inner;
}
