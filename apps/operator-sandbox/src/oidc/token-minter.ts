import type { AccessTokenMinter } from '../backchannel/jwt-bearer-grant.js';
import type { OidcProvider } from './oidc-provider-module.js';
import { issueScopedGrant } from './scoped-grant.js';

/**
 * Opaque access tokens for grants the provider does not run itself (the JWT-bearer grant,
 * answered in front of it): the same token model, audience and lifetime as the provider's
 * own, so the CAMARA APIs read them like any other. No refresh token (ICM "JWT Bearer Flow").
 */
export function createAccessTokenMinter(
  provider: OidcProvider,
  resource: string,
  resourceScopes: () => ReadonlyArray<string>,
  ttlSeconds: number,
): AccessTokenMinter {
  return {
    async mint({ accountId, clientId, scope, gty, amr }) {
      const client = await provider.Client.find(clientId);
      if (!client) throw new Error(`client ${clientId} vanished`);
      const grantId = await issueScopedGrant(provider, resource, new Set(resourceScopes()), {
        accountId,
        clientId,
        scope,
      });
      const token = new provider.AccessToken({
        accountId,
        client,
        grantId,
        gty,
        scope,
        // Kept by the extraTokenClaims hook, which has no provider request to read it from here.
        ...(amr ? { extra: { amr: [...amr] } } : {}),
        expiresIn: ttlSeconds,
        resourceServer: {
          audience: resource,
          accessTokenFormat: 'opaque',
          identifier: () => resource,
        },
      });
      return { value: await token.save(), grantId, expiresIn: token.expiration };
    },
  };
}
