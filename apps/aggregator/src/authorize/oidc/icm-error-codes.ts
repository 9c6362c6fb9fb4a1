import type { KoaContext } from './oidc-provider-module.js';

const GRANT_NOT_ALLOWED = / is not allowed for this client$/;
const REQUEST_OBJECT = /^Request Object|request object|signed request/i;

/**
 * ICM r4.2 Appendix A, where oidc-provider answers `invalid_request`: a client using a grant
 * it is not registered for gets `unauthorized_client` (RFC 6749 §5.2, CIBA Core §13), and an
 * invalid signed authentication request at the backchannel endpoint `invalid_request_object`.
 * The status (400) and description stay.
 */
export function icmErrorCodes() {
  return async (ctx: KoaContext, next: () => Promise<void>) => {
    await next();
    const body = ctx.body as { error?: unknown; error_description?: unknown } | null;
    if (
      body === null ||
      typeof body !== 'object' ||
      body.error !== 'invalid_request' ||
      typeof body.error_description !== 'string'
    )
      return;
    if (GRANT_NOT_ALLOWED.test(body.error_description)) body.error = 'unauthorized_client';
    else if (ctx.path === '/bc-authorize' && REQUEST_OBJECT.test(body.error_description))
      body.error = 'invalid_request_object';
  };
}
