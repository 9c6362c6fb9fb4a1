import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import * as oidc from 'openid-client';
import type { Clock } from './clock.js';
import {
  importSigningKey,
  privateKeyJwt,
  type ClientCredentials,
  type ClientSigningKey,
} from './client-auth.js';
import { AbortedError, SwitchboardError } from './errors.js';
import { toSwitchboardError } from './map-error.js';
import { toSession, type VerificationSession } from './session.js';

// The token-endpoint plumbing the flows without a browser share (CIBA, JWT-bearer, the
// operator-token path): the client's signing key imported once, configurations whose client
// assertions name the exact endpoint, the RFC 7523 assertion, and error mapping.

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** JWT-bearer assertion lifetime (ICM: exp − iat ≤ 300 s; short is enough for one request). */
const ASSERTION_LIFETIME_S = 60;

export interface TokenEndpointDeps {
  readonly clientId: string;
  readonly credentials: ClientCredentials;
  /** The discovered issuer (cached by the caller). */
  readonly discovery: () => Promise<oidc.Configuration>;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly allowInsecureRequests: boolean;
  readonly clock: Clock;
}

/**
 * `jwt-bearer` is the token endpoint without client authentication: the assertion is the
 * client's authentication there (ICM r4.2 "JWT Bearer Flow").
 */
export type Endpoint = 'backchannel_authentication_endpoint' | 'token_endpoint' | 'jwt-bearer';

export interface ConfiguredEndpoint {
  readonly config: oidc.Configuration;
  readonly url: string;
  readonly key: ClientSigningKey;
}

export interface JwtBearerRequest {
  /** The assertion's `sub`: `tel:+…` or `vp_token:<SD-JWT>`. */
  readonly sub: string;
  /** The assertion's `scope` claim. */
  readonly scope: string;
  /** Names the request in errors, e.g. "the JWT-bearer token request". */
  readonly what: string;
  readonly signal?: AbortSignal | undefined;
}

export interface TokenEndpoint {
  /** A configuration whose client assertions name `endpoint` as their exact `aud`. */
  configFor(endpoint: Endpoint, signal: AbortSignal | undefined): Promise<ConfiguredEndpoint>;
  /** One JWT-bearer grant request (RFC 7523): `grant_type` and `assertion` only. */
  jwtBearer(request: JwtBearerRequest): Promise<VerificationSession>;
}

export function createTokenEndpoint(deps: TokenEndpointDeps): TokenEndpoint {
  let signing: Promise<ClientSigningKey> | undefined;
  const signingKey = () => {
    signing ??= importSigningKey(deps.credentials).catch((err: unknown) => {
      signing = undefined;
      throw err;
    });
    return signing;
  };
  const configFor: TokenEndpoint['configFor'] = async (endpoint, signal) => {
    const key = await signingKey();
    const server = await discovered(deps, signal);
    const url = endpointUrl(server, endpoint);
    const auth = endpoint === 'jwt-bearer' ? noClientAuth : privateKeyJwt(key, url);
    return { config: configuration(deps, server, auth, signal), url, key };
  };
  return {
    configFor,
    async jwtBearer({ sub, scope, what, signal }) {
      const { config, url, key } = await configFor('jwt-bearer', signal);
      const assertion = await jwtBearerAssertion(key, deps.clock, {
        iss: deps.clientId,
        sub,
        aud: url,
        scope,
      });
      try {
        // ICM r4.2 "JWT Bearer Flow": no scope parameter; the scope claim says it.
        const tokens = await oidc.genericGrantRequest(config, JWT_BEARER_GRANT, { assertion });
        return toSession(tokens, scope, deps.clock.now());
      } catch (err) {
        throw failure(await withServerError(err), what, signal);
      }
    },
  };
}

/** ICM r4.2 "JWT Bearer Flow": `iss`, `sub`, `aud`, `iat`, `exp` (≤ 300 s), `jti`, `scope`. */
async function jwtBearerAssertion(
  key: ClientSigningKey,
  clock: Clock,
  claims: { iss: string; sub: string; aud: string; scope: string },
): Promise<string> {
  const now = Math.floor(clock.now() / 1000);
  return new SignJWT({ scope: claims.scope })
    .setProtectedHeader(key.kid === undefined ? { alg: key.alg } : { alg: key.alg, kid: key.kid })
    .setIssuer(claims.iss)
    .setSubject(claims.sub)
    .setAudience(claims.aud)
    .setIssuedAt(now)
    .setExpirationTime(now + ASSERTION_LIFETIME_S)
    .setJti(randomUUID())
    .sign(key.key);
}

/**
 * ICM r4.2 "JWT Bearer Flow": the signed assertion is the client authentication, so the
 * request carries `grant_type` and `assertion` only (not even `client_id`).
 */
const noClientAuth: oidc.ClientAuth = () => undefined;

async function discovered(deps: TokenEndpointDeps, signal: AbortSignal | undefined) {
  try {
    return (await deps.discovery()).serverMetadata();
  } catch (err) {
    throw failure(err, 'discovery', signal);
  }
}

function endpointUrl(server: oidc.ServerMetadata, endpoint: Endpoint): string {
  const name = endpoint === 'jwt-bearer' ? 'token_endpoint' : endpoint;
  const url = server[name];
  if (typeof url !== 'string') {
    const flow = endpoint === 'jwt-bearer' ? 'the JWT-bearer grant' : 'CIBA';
    throw new SwitchboardError(
      'UNSUPPORTED_BY_ISSUER',
      `the issuer's discovery document has no ${name}: it does not offer ${flow}`,
    );
  }
  return url;
}

function configuration(
  deps: TokenEndpointDeps,
  server: oidc.ServerMetadata,
  auth: oidc.ClientAuth,
  signal: AbortSignal | undefined,
): oidc.Configuration {
  const config = new oidc.Configuration(server, deps.clientId, undefined, auth);
  config[oidc.customFetch] = (url, init) =>
    deps.fetch(url, { ...init, signal: anySignal(init.signal, signal) } as RequestInit);
  config.timeout = deps.timeoutMs / 1000;
  if (deps.allowInsecureRequests) oidc.allowInsecureRequests(config);
  return config;
}

export function anySignal(
  a: AbortSignal | null | undefined,
  b: AbortSignal | undefined,
): AbortSignal | undefined {
  const signals = [a, b].filter((s): s is AbortSignal => s instanceof AbortSignal);
  return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
}

/**
 * openid-client reads OAuth error bodies of 4xx answers only; ICM (Appendix A) and the
 * aggregator also answer `503 {error: "temporarily_unavailable"}`. Such a body, found on the
 * response in the error's causes, becomes the error's `error` / `error_description`.
 */
export async function withServerError(err: unknown): Promise<unknown> {
  let e = err;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth += 1) {
    if (e instanceof Response) {
      if (e.status < 500 || e.bodyUsed) return err;
      const body = (await e.json().catch(() => undefined)) as Record<string, unknown> | undefined;
      if (typeof body?.error !== 'string') return err;
      return { error: body.error, error_description: body.error_description, cause: err };
    }
    e = (e as { cause?: unknown }).cause;
  }
  return err;
}

/** The caller's abort wins over whatever the aborted request threw. */
export function failure(
  err: unknown,
  what: string,
  signal: AbortSignal | undefined,
): SwitchboardError {
  if (signal?.aborted) return new AbortedError(`${what} was aborted`, signal.reason);
  return toSwitchboardError(err, what);
}
