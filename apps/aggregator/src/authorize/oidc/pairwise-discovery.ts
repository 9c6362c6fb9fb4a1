import type { KoaContext } from './oidc-provider-module.js';

/** OIDC Discovery 1.0 §4 and RFC 8414 §3: oidc-provider serves the same document at both. */
const DISCOVERY_PATHS = new Set([
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
]);

/**
 * OIDC Core §8: every app gets its own `sub` for a user. The nested flow computes that
 * pairwise subject itself (an HMAC of client, operator and the operator's `sub`;
 * authorize/flow/nested-flow.ts) and hands it to oidc-provider as the account id, which the provider's
 * `public` mode puts in the ID token unchanged. Its `pairwise` mode would hash it once more
 * and bring rules our clients cannot meet: a `sector_identifier_uri` (fetched) for apps whose
 * redirect URIs span hosts, and no sector at all for client_credentials clients, which it
 * then refuses. So the provider stays `public` inside and discovery says what apps receive.
 */
export function pairwiseDiscovery() {
  return amendDiscovery((doc) => {
    doc.subject_types_supported = ['pairwise'];
  });
}

/** A koa middleware that changes oidc-provider's discovery document on its way out. */
export function amendDiscovery(amend: (doc: Record<string, unknown>) => void) {
  return async (ctx: KoaContext, next: () => Promise<void>) => {
    await next();
    const body = ctx.body;
    if (DISCOVERY_PATHS.has(ctx.path) && body !== null && typeof body === 'object')
      amend(body as Record<string, unknown>);
  };
}
