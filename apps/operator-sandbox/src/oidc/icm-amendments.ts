import type { KoaContext } from './oidc-provider-module.js';

/**
 * Where the provider's answers differ from CAMARA ICM:
 * - discovery: `user_code` is ignored ("Client-Initiated Backchannel Authentication Flow",
 *   "Optional Parameters"), so `backchannel_user_code_parameter_supported` is false;
 * - a client using a grant type it is not registered for is `unauthorized_client`
 *   (Appendix A, CIBA authentication and token error responses), not `invalid_request`.
 */
export async function icmAmendments(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
  await next();
  const body =
    ctx.body && typeof ctx.body === 'object' ? (ctx.body as Record<string, unknown>) : undefined;
  if (!body) return;
  if (ctx.path === '/.well-known/openid-configuration')
    body.backchannel_user_code_parameter_supported = false;
  if (body.error === 'invalid_request' && GRANT_NOT_ALLOWED.test(String(body.error_description)))
    body.error = 'unauthorized_client';
}

/** oidc-provider's descriptions (lib/actions/token.js, lib/actions/authorization/client.js). */
const GRANT_NOT_ALLOWED = /^(requested grant type|urn:\S+) is not allowed for this client$/;
