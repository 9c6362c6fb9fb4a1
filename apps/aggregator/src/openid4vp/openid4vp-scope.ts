import type { MachineResource } from '../authorize/oidc/create-oidc-provider.js';

/** The scope of the app token for `POST /openid4vp/credentials` (docs/operator-token.md). */
export const OPENID4VP_SCOPE = 'openid4vp';

/** Seconds: an app fetches one per credential request or a few. */
export const OPENID4VP_TOKEN_TTL = 300;

/** The audience of that token: no other API accepts it, nor it another API's token. */
export const openId4VpAudience = (issuer: string) => `${issuer.replace(/\/+$/, '')}/openid4vp`;

/** What the token endpoint issues to a backend client asking client_credentials. */
export const openId4VpResource = (issuer: string): MachineResource => ({
  audience: openId4VpAudience(issuer),
  scope: OPENID4VP_SCOPE,
  ttl: OPENID4VP_TOKEN_TTL,
});

/**
 * The Verifiable Credential Type of each Number Verification scope (the guide, Step 1,
 * "vct_values … mapped from the CAMARA scope").
 */
export const VCT_BY_SCOPE: Readonly<Record<string, string>> = {
  'number-verification:device-phone-number:read': 'number-verification/device-phone-number/ts43',
  'number-verification:verify': 'number-verification/verify/ts43',
};

/** The one NV API scope of a scope string, if exactly one is named. */
export function nvScopeOf(scope: string): string | undefined {
  const named = scope.split(' ').filter((w) => w in VCT_BY_SCOPE);
  return named.length === 1 ? named[0] : undefined;
}
