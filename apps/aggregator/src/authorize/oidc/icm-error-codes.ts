import type { KoaContext } from './oidc-provider-module.js';

const GRANT_NOT_ALLOWED = / is not allowed for this client$/;
const REQUEST_OBJECT = /^Request Object|request object|signed request/i;

/**
 * Codes no table of ICM r4.2 Appendix A lists (IdentityAndConsentManagement,
 * documentation/CAMARA-Security-Interoperability.md, "Appendix A (Normative): Error
 * Responses"), and the listed code each becomes: RFC 8707 `invalid_target` (a `resource` the
 * aggregator does not serve) is a request with an invalid parameter value.
 */
const UNLISTED: Readonly<Record<string, string>> = { invalid_target: 'invalid_request' };

/** The koa members this middleware reads besides KoaContext's (koa's own names). */
interface RedirectContext extends KoaContext {
  readonly response: { get(field: string): string };
}

/**
 * ICM r4.2 Appendix A, where oidc-provider answers otherwise: a client using a grant it is not
 * registered for gets `unauthorized_client` (RFC 6749 §5.2, CIBA Core §13), an invalid signed
 * authentication request at the backchannel endpoint `invalid_request_object`, and a code no
 * Appendix A table lists its listed counterpart (`UNLISTED`), in a JSON body (`/token`,
 * `/bc-authorize`) and in an error redirect (`/auth`). The status and description stay.
 */
export function icmErrorCodes() {
  return async (ctx: KoaContext, next: () => Promise<void>) => {
    await next();
    remapRedirect(ctx as RedirectContext);
    const body = ctx.body as { error?: unknown; error_description?: unknown } | null;
    if (body === null || typeof body !== 'object' || typeof body.error !== 'string') return;
    if (Object.hasOwn(UNLISTED, body.error)) body.error = UNLISTED[body.error];
    if (body.error !== 'invalid_request' || typeof body.error_description !== 'string') return;
    if (GRANT_NOT_ALLOWED.test(body.error_description)) body.error = 'unauthorized_client';
    else if (ctx.path === '/bc-authorize' && REQUEST_OBJECT.test(body.error_description))
      body.error = 'invalid_request_object';
  };
}

/** An authorization error redirect (OIDC Core §3.1.2.6) with an unlisted code. */
function remapRedirect(ctx: RedirectContext): void {
  if (ctx.status !== 302 && ctx.status !== 303) return;
  const location = ctx.response.get('location');
  if (!location.includes('error=')) return;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return;
  }
  const error = url.searchParams.get('error');
  if (error === null || !Object.hasOwn(UNLISTED, error)) return;
  url.searchParams.set('error', UNLISTED[error]!);
  ctx.set('location', url.href);
}
