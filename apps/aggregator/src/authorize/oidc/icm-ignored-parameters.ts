import type { IncomingMessage } from 'node:http';
import { readRaw, replay } from '../../infra/http/replayable-request.js';
import type { KoaContext } from './oidc-provider-module.js';

/**
 * ICM r4.2 "Handling of acr_values" (IdentityAndConsentManagement,
 * documentation/CAMARA-Security-Interoperability.md): CAMARA OpenID Providers MUST ignore
 * `acr_values`. oidc-provider reads it (and, without `openid`, refuses it with
 * `invalid_request`), so it is taken out of the authentication requests before they reach
 * oidc-provider: a request with `acr_values` is answered as the same request without.
 */
const IGNORED = 'acr_values';
const ENDPOINTS = new Set(['/auth', '/bc-authorize']);
/** oidc-provider's own limit for a request body (replayable-request.ts). */
const MAX_BODY_BYTES = 56 * 1024;

/** The koa members this middleware reads and replaces (koa's own names). */
interface RequestContext extends KoaContext {
  readonly method: string;
  querystring: string;
  req: IncomingMessage;
  readonly request: { req: IncomingMessage; is(type: string): string | false | null };
}

export function ignoreAcrValues() {
  return async (ctx: KoaContext, next: () => Promise<void>) => {
    const c = ctx as RequestContext;
    if (ENDPOINTS.has(c.path)) {
      if (c.querystring.includes(IGNORED)) c.querystring = without(c.querystring);
      if (c.method === 'POST' && c.request.is('application/x-www-form-urlencoded'))
        await stripBody(c);
    }
    await next();
  };
}

function without(text: string): string {
  const params = new URLSearchParams(text);
  params.delete(IGNORED);
  return params.toString();
}

/** A form body of a known, acceptable length, read and handed on without the parameter. */
async function stripBody(c: RequestContext): Promise<void> {
  const length = Number(c.req.headers['content-length']);
  // Anything else is left to oidc-provider's own body checks (too large, chunked…).
  if (!Number.isInteger(length) || length <= 0 || length > MAX_BODY_BYTES) return;
  const raw = await readRaw(c.req);
  const text = raw.toString('utf8');
  const body = text.includes(IGNORED) ? Buffer.from(without(text), 'utf8') : raw;
  const headers = { ...c.req.headers, 'content-length': String(body.length) };
  const replayed = replay(c.req, body, headers);
  c.req = replayed;
  c.request.req = replayed;
}
