import type { AccessTokenReader, GrantRevoker } from '../services/access-token-reader.js';
import type { OidcProvider, OidcToken } from './oidc-provider-module.js';

/**
 * Reads the provider's opaque access tokens for the NV API in the same process. Expiry
 * is judged by the caller's clock, so lookups ignore it here.
 */
export function createAccessTokenReader(
  provider: OidcProvider,
  resource: string,
): AccessTokenReader {
  const find = async (value: string): Promise<OidcToken | undefined> =>
    (await provider.AccessToken.find(value, { ignoreExpiration: true })) ??
    (await provider.ClientCredentials.find(value, { ignoreExpiration: true }));

  return {
    async read(value) {
      const token = await find(value);
      if (!token || !audienceIncludes(token.aud, resource)) return undefined;
      // A revoked consent destroys its grant; tokens of a missing grant are dead.
      if (token.grantId && !(await provider.Grant.find(token.grantId))) return undefined;
      const amr = token.extra?.amr;
      return {
        jti: token.jti,
        clientId: token.clientId,
        accountId: token.accountId,
        scope: token.scope ?? '',
        amr: Array.isArray(amr) ? amr.filter((m): m is string => typeof m === 'string') : [],
        expiresAt: token.exp,
      };
    },
    async revoke(jti) {
      await (await find(jti))?.destroy();
    },
  };
}

export function createGrantRevoker(provider: OidcProvider): GrantRevoker {
  return {
    async revoke(grantIds) {
      for (const grantId of grantIds) {
        await (await provider.Grant.find(grantId))?.destroy();
        await provider.AccessToken.revokeByGrantId(grantId);
      }
    },
  };
}

function audienceIncludes(aud: string | string[] | undefined, resource: string): boolean {
  return Array.isArray(aud) ? aud.includes(resource) : aud === resource;
}
