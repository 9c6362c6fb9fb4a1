import { compactVerify, createLocalJWKSet, decodeJwt, type JSONWebKeySet } from 'jose';
import type { KoaContext, OidcProviderModule } from './oidc-provider-module.js';

// CAMARA ICM r4.2, documentation/CAMARA-Security-Interoperability.md, "Signed Authentication
// Requests" (OIDC Core §6 / RFC 9101 as ICM profiles them). oidc-provider already refuses an
// unsupported alg, a wrong `iss`, an `aud` without the issuer, an expired object, a
// `response_type` or `client_id` differing from the query, and replaces every other parameter
// by the object's (ICM: "the authorization server MUST only use the parameters contained in the
// signed request object"). The rest is checked here.

/** ICM: "the fields iss, aud, iat, exp and jti MUST be included in the signed request object". */
const REQUIRED_CLAIMS = ['iss', 'aud', 'iat', 'exp', 'jti'] as const;
/** ICM: sent in the query too, with the same values as in the object. */
const REPEATED_PARAMETERS = ['scope', 'response_type', 'client_id', 'redirect_uri'] as const;
/** ICM: refused when exp − iat exceeds 300 s. */
export const MAX_REQUEST_OBJECT_LIFETIME = 300;
/** Seconds a client's clock may run ahead of ours for `iat` (as for JWT-bearer assertions). */
const CLOCK_SKEW = 5;
/** oidc-provider's description when its own claim checks fail (wrong `iss`, `aud`, expired). */
const GENERIC_DESCRIPTION = 'Request Object claims are invalid';

export interface RequestObjectProblem {
  readonly description: string;
  /** The redirect URI is in question: ICM Appendix A forbids redirecting to it. */
  readonly redirectUri?: boolean;
}

export interface RequestObjectContext {
  readonly issuer: string;
  readonly clientId: string;
  /** Seconds since the epoch. */
  readonly now: number;
}

/** The first ICM rule a front-channel request object and its query break, or undefined. */
export function requestObjectProblem(
  claims: Record<string, unknown>,
  query: Record<string, unknown>,
  c: RequestObjectContext,
): RequestObjectProblem | undefined {
  const missing = REQUIRED_CLAIMS.find((name) => claims[name] === undefined);
  if (missing) return { description: `Request Object is missing the '${missing}' claim` };
  const { iss, aud, iat, exp, jti } = claims;
  if (iss !== c.clientId) return { description: "Request Object 'iss' must be the client_id" };
  // ICM: the audience must be "associated with the authorization server"; here exactly the issuer.
  if (aud !== c.issuer && !(Array.isArray(aud) && aud.length === 1 && aud[0] === c.issuer))
    return { description: `Request Object 'aud' must be the issuer (${c.issuer})` };
  return (
    lifetimeProblem(iat, exp, jti, c.now) ??
    REPEATED_PARAMETERS.map((name) => parameterProblem(name, claims, query)).find(Boolean)
  );
}

/** ICM's `iat`, `exp` and `jti` rules, for signed requests at either endpoint. */
function lifetimeProblem(
  iat: unknown,
  exp: unknown,
  jti: unknown,
  now: number,
): RequestObjectProblem | undefined {
  if (typeof iat !== 'number' || typeof exp !== 'number')
    return { description: "Request Object 'iat' and 'exp' must be numbers" };
  if (iat > now + CLOCK_SKEW) return { description: "Request Object 'iat' is in the future" };
  if (exp - iat > MAX_REQUEST_OBJECT_LIFETIME)
    return {
      description: `Request Object 'exp' must be at most ${MAX_REQUEST_OBJECT_LIFETIME} seconds after 'iat'`,
    };
  if (exp <= now) return { description: "Request Object has expired ('exp')" };
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256)
    return { description: "Request Object 'jti' must be a string of 1 to 256 characters" };
  return undefined;
}

function parameterProblem(
  name: (typeof REPEATED_PARAMETERS)[number],
  claims: Record<string, unknown>,
  query: Record<string, unknown>,
): RequestObjectProblem | undefined {
  const redirectUri = name === 'redirect_uri';
  if (typeof query[name] !== 'string')
    return { description: `'${name}' must also be sent as a query parameter`, redirectUri };
  if (claims[name] === undefined)
    return { description: `Request Object is missing the '${name}' parameter`, redirectUri };
  if (claims[name] !== query[name])
    return {
      description: `query parameter '${name}' differs from the Request Object's`,
      redirectUri,
    };
  return undefined;
}

/** A client as the hook sees it (oidc-provider's Client: its metadata, camelCased). */
interface RequestObjectClient {
  readonly clientId: string;
  readonly jwks?: JSONWebKeySet;
  readonly clientSecret?: string;
}

interface HookContext {
  readonly method: string;
  readonly query: Record<string, unknown>;
  readonly oidc: {
    readonly route?: string;
    readonly issuer: string;
    readonly body?: Record<string, unknown>;
    readonly params?: Record<string, unknown>;
  };
}

/** Records a request object's `jti` for its client: false when it was used already. */
export type SpendRequestObjectId = (
  clientId: string,
  jti: string,
  expiresAt: Date,
) => Promise<boolean>;

/**
 * `features.requestObjects.assertJwtClaimsAndHeader`: oidc-provider calls it after its own claim
 * checks and before verifying the signature. At the authorization endpoint the ICM rules are
 * checked, then the signature (so a forged object cannot spend a genuine `jti`), then the `jti`
 * is spent in the database, once for every aggregator process. At the backchannel endpoint
 * oidc-provider's default claims (CIBA Core §7.1.1) are required, then the same lifetime,
 * signature and `jti` rules apply (the `jti` shared with requests addressed to the endpoint).
 */
export function requestObjectProfile(oidc: OidcProviderModule, spend: SpendRequestObjectId) {
  const refuse = (problem: RequestObjectProblem) =>
    Object.assign(new oidc.errors.InvalidRequestObject(problem.description), {
      allow_redirect: !problem.redirectUri,
    });
  return async (
    ctx: HookContext,
    claims: Record<string, unknown>,
    _header: unknown,
    client: RequestObjectClient,
  ) => {
    const now = Math.floor(Date.now() / 1000);
    let problem: RequestObjectProblem | undefined;
    if (ctx.oidc.route === 'authorization') {
      const query = (ctx.method === 'POST' ? ctx.oidc.body : ctx.query) ?? {};
      problem = requestObjectProblem(claims, query, {
        issuer: ctx.oidc.issuer,
        clientId: client.clientId,
        now,
      });
    } else {
      // A signed CIBA request addressed to the issuer (one addressed to the endpoint is checked
      // in backchannel-front.ts): CIBA Core §7.1.1's claims, and the same lifetime and
      // single-use `jti` as every other signed request.
      cibaDefault(oidc, claims);
      problem = lifetimeProblem(claims.iat, claims.exp, claims.jti, now);
    }
    if (problem) throw refuse(problem);
    await verifySignature(oidc, String(ctx.oidc.params?.request), client);
    const { jti, exp } = claims as { jti: string; exp: number };
    if (!(await spend(client.clientId, jti, new Date(exp * 1000))))
      throw refuse({ description: "Request Object 'jti' was used already" });
  };
}

/** oidc-provider's own rule for signed CIBA requests, which this hook replaces. */
function cibaDefault(oidc: OidcProviderModule, claims: Record<string, unknown>): void {
  for (const claim of ['exp', 'iat', 'nbf', 'jti'])
    if (claims[claim] === undefined)
      throw new oidc.errors.InvalidRequestObject(`Request Object is missing the '${claim}' claim`);
}

async function verifySignature(
  oidc: OidcProviderModule,
  jwt: string,
  client: RequestObjectClient,
): Promise<void> {
  try {
    if (client.jwks) await compactVerify(jwt, createLocalJWKSet(client.jwks));
    else if (client.clientSecret)
      await compactVerify(jwt, new TextEncoder().encode(client.clientSecret));
    else throw new Error('the client has no keys');
  } catch (cause) {
    throw new oidc.errors.InvalidRequestObject('could not validate Request Object', { cause });
  }
}

interface DescribedContext extends KoaContext {
  readonly method: string;
  readonly query: Record<string, unknown>;
  readonly oidc?: { readonly body?: Record<string, unknown> };
  readonly response: { get(field: string): string };
}

/**
 * A wrong `iss` or `aud`, or an expired object, oidc-provider refuses before the hook with one
 * description for all three; the redirect then names the rule that failed instead.
 */
export function requestObjectDescriptions(issuer: string) {
  return async (koa: KoaContext, next: () => Promise<void>) => {
    await next();
    const ctx = koa as DescribedContext;
    if (ctx.path !== '/auth' || (ctx.status !== 303 && ctx.status !== 302)) return;
    const location = ctx.response.get('location');
    const url = URL.canParse(location) ? new URL(location) : undefined;
    if (!url || url.searchParams.get('error_description') !== GENERIC_DESCRIPTION) return;
    const query = (ctx.method === 'POST' ? ctx.oidc?.body : ctx.query) ?? {};
    const problem = describe(query, issuer);
    if (!problem) return;
    url.searchParams.set('error_description', problem.description);
    ctx.set('location', url.href);
  };
}

function describe(query: Record<string, unknown>, issuer: string) {
  try {
    const claims = decodeJwt(String(query.request));
    const clientId = String(query.client_id);
    return requestObjectProblem(claims, query, {
      issuer,
      clientId,
      now: Math.floor(Date.now() / 1000),
    });
  } catch {
    return undefined;
  }
}
