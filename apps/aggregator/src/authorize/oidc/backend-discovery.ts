import { JWT_BEARER_GRANT } from '../grant-types.js';
import type { KoaContext } from './oidc-provider-module.js';

const DISCOVERY_PATHS = new Set([
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
]);

/**
 * RFC 8414 §2 `grant_types_supported`: the JWT-bearer grant (RFC 7523, ICM r4.2) is served
 * in front of oidc-provider (authorize/backend/token-front.ts), which therefore does not list
 * it itself.
 */
export function backendDiscovery() {
  return async (ctx: KoaContext, next: () => Promise<void>) => {
    await next();
    const body = ctx.body as Record<string, unknown> | null;
    if (!DISCOVERY_PATHS.has(ctx.path) || body === null || typeof body !== 'object') return;
    const grants = Array.isArray(body.grant_types_supported) ? body.grant_types_supported : [];
    if (!grants.includes(JWT_BEARER_GRANT))
      body.grant_types_supported = [...grants, JWT_BEARER_GRANT];
  };
}
