import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { RateDecision } from '../../infra/rate-limit/rate-limiter.js';
import type { RateLimits } from '../../infra/rate-limit/rate-limits.js';
import { errorPage } from '../../infra/http/error-page.js';

export interface OAuthRateLimitDeps {
  readonly limits: RateLimits;
  /** The device's (authorize) or the app server's (token) address. */
  readonly sourceIp: (req: Request) => string | undefined;
  /** oidc-provider metadata of an active client (cached), to trust its redirect URIs. */
  readonly clientMetadata: (id: string) => Promise<Record<string, unknown> | undefined>;
  readonly issuer: string;
}

type Refusal = Extract<RateDecision, { allowed: false }>;

const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * Rate limits in front of oidc-provider's `/auth` and `/token` (docs/adr/0001-rate-limits.md).
 * Every request counts against its source address. A client's budget is charged only once
 * the client is known to be who it says: on `/auth` an active client with an exactly
 * registered redirect URI, on `/token` an authenticated client (counted by oidc-provider's
 * `grant.success`, see authorize/oidc/token-budget.ts). Authorize: the browser is sent back to the app with
 * `temporarily_unavailable` (RFC 6749 §4.1.2.1) when the client and its redirect URI can be
 * trusted, else it gets a 429 page. Token: 429 with an RFC 6749 §5.2-style JSON error.
 * Both carry `Retry-After`.
 */
export function createOAuthRateLimitRouter(deps: OAuthRateLimitDeps): Router {
  const router = express.Router();
  router.get('/auth', limitAuthorize(deps));
  router.post('/auth', limitAuthorize(deps));
  router.post('/token', limitToken(deps));
  // A CIBA request starts work at an operator: it counts as a token request (ICM backend flows).
  router.post('/bc-authorize', limitToken(deps));
  return router;
}

function limitAuthorize(deps: OAuthRateLimitDeps): RequestHandler {
  return async (req, res, next) => {
    const query = req.query as Record<string, unknown>;
    const byAddress = deps.limits.check('authorize', { ip: deps.sourceIp(req) });
    if (!byAddress.allowed) return refuseAuthorize(deps, res, query, byAddress);
    // The client id and redirect URI are anyone's to send: only a pair the client registered
    // is charged to it, anything else to the address alone.
    const clientId = await registeredClient(deps, query);
    if (clientId === undefined) return next();
    const byClient = deps.limits.check('authorize', { clientId });
    if (byClient.allowed) return next();
    await refuseAuthorize(deps, res, query, byClient);
  };
}

async function refuseAuthorize(
  deps: OAuthRateLimitDeps,
  res: Response,
  query: Record<string, unknown>,
  decision: Refusal,
): Promise<void> {
  const description = `Too many sign-in requests ${whose(decision, 'from this network', 'for this app')}; try again in ${decision.retryAfterSeconds} seconds.`;
  res.set('retry-after', String(decision.retryAfterSeconds));
  const target = await appRedirect(deps, query, description);
  if (target) return res.redirect(303, target);
  res.status(429).type('html').send(errorPage('temporarily_unavailable', description));
}

/** `client_id` if it is an active client and `redirect_uri` exactly one of its URIs. */
async function registeredClient(
  deps: OAuthRateLimitDeps,
  query: Record<string, unknown>,
): Promise<string | undefined> {
  const clientId = validClientId(query.client_id);
  const redirectUri = query.redirect_uri;
  if (!clientId || typeof redirectUri !== 'string') return undefined;
  const client = await deps.clientMetadata(clientId).catch(() => undefined);
  const registered = client?.redirect_uris;
  return Array.isArray(registered) && registered.includes(redirectUri) ? clientId : undefined;
}

/** The app's redirect URI with the error, only if it is exactly registered for the client. */
async function appRedirect(
  deps: OAuthRateLimitDeps,
  query: Record<string, unknown>,
  description: string,
): Promise<string | undefined> {
  const mode = query.response_mode;
  // A request object may carry other parameters: without verifying it, trust nothing.
  if (query.request !== undefined) return undefined;
  if (mode !== undefined && mode !== 'query') return undefined;
  if ((await registeredClient(deps, query)) === undefined) return undefined;
  const url = new URL(query.redirect_uri as string);
  url.searchParams.set('error', 'temporarily_unavailable');
  url.searchParams.set('error_description', description);
  if (typeof query.state === 'string') url.searchParams.set('state', query.state);
  // RFC 9207: the provider's other authorization responses carry `iss` too.
  url.searchParams.set('iss', deps.issuer);
  return url.href;
}

function limitToken(deps: OAuthRateLimitDeps): RequestHandler {
  return (req, res, next) => {
    // Unauthenticated here, and the body is oidc-provider's to read: a client HTTP Basic
    // names whose budget is spent is refused before any work; oidc-provider checks every
    // client once authenticated, and only then counts (authorize/oidc/token-budget.ts).
    const named = basicClientId(req);
    const byClient = deps.limits.peek('token', { clientId: named });
    if (!byClient.allowed) return tokenRefusal(res, byClient);
    const byAddress = deps.limits.check('token', { ip: deps.sourceIp(req) });
    if (!byAddress.allowed) return tokenRefusal(res, byAddress);
    next();
  };
}

function tokenRefusal(res: Response, decision: Refusal): void {
  res
    .status(429)
    .set({
      'retry-after': String(decision.retryAfterSeconds),
      'cache-control': 'no-store',
      pragma: 'no-cache',
    })
    .json({
      error: 'temporarily_unavailable',
      error_description: `too many token requests ${whose(decision, 'from this address', 'for this client')}; retry after ${decision.retryAfterSeconds} seconds`,
    });
}

const whose = (decision: Refusal, ip: string, client: string) =>
  decision.key.split(':')[1] === 'ip' ? ip : client;

function validClientId(value: unknown): string | undefined {
  return typeof value === 'string' && CLIENT_ID.test(value) ? value : undefined;
}

/** RFC 6749 §2.3.1: `Basic base64(urlencode(id):urlencode(secret))`. */
function basicClientId(req: Request): string | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(req.get('authorization') ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  try {
    return validClientId(decodeURIComponent(decoded.slice(0, colon)));
  } catch {
    return undefined;
  }
}
