import type { OidcProvider } from './oidc-provider-module.js';

export interface ScopedGrantRequest {
  readonly accountId: string;
  readonly clientId: string;
  /** The requested scope; values the API resource does not grant are left out. */
  readonly scope: string;
}

/**
 * A grant holding exactly the requested scopes for the backend flows (CIBA, JWT-bearer),
 * like the front channel's per-authorization grant, so revoking a purpose's consent ends
 * that purpose's tokens and nothing else. `openid` only when requested (ICM "Missing
 * openid scope": no ID token without it).
 */
export async function issueScopedGrant(
  provider: OidcProvider,
  resource: string,
  resourceScopes: ReadonlySet<string>,
  request: ScopedGrantRequest,
): Promise<string> {
  const grant = new provider.Grant({ accountId: request.accountId, clientId: request.clientId });
  const requested = request.scope.split(' ');
  if (requested.includes('openid')) grant.addOIDCScope('openid');
  grant.addResourceScope(resource, requested.filter((s) => resourceScopes.has(s)).join(' '));
  return grant.save();
}
