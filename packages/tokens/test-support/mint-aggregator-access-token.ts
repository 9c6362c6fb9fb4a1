import { EncryptJWT } from 'jose';
import type { AggregatorAccessTokenClaims } from '../src/aggregator-token-claims.js';
import type { TokenKeyring } from '../src/token-keyring.js';

/**
 * Mints a token in the exact format the aggregator's token endpoint issues, for tests and
 * benchmarks only: production tokens come from oidc-provider. The claims are not checked, so
 * a test can forge bad ones. The header repeats `iss` and `aud` as oidc-provider does
 * (RFC 7516 §4.1.11 replicated claims).
 */
export async function mintAggregatorAccessToken(
  claims: AggregatorAccessTokenClaims,
  keyring: TokenKeyring,
): Promise<string> {
  const { current } = keyring;
  return new EncryptJWT({ ...claims })
    .setProtectedHeader({
      alg: 'dir',
      enc: 'A256GCM',
      kid: current.kid,
      typ: 'at+jwt',
      iss: claims.iss,
      aud: claims.aud,
    })
    .encrypt(current.secret);
}
