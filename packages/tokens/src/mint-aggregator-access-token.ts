import { randomBytes } from 'node:crypto';
import { EncryptJWT } from 'jose';
import {
  aggregatorAccessTokenClaimsSchema,
  operatorRoutingClaims,
  type AggregatorAccessTokenClaims,
  type OperatorRouting,
} from './aggregator-token-claims.js';
import type { TokenKeyring } from './token-keyring.js';

export interface MintRequest {
  readonly keyring: TokenKeyring;
  readonly issuer: string;
  readonly audience: string;
  readonly clientId: string;
  /** The pairwise subject (never the MSISDN). */
  readonly subject: string;
  readonly scope: string;
  /** Seconds. */
  readonly ttl: number;
  readonly routing: OperatorRouting;
  readonly now?: Date;
}

/**
 * An AggregatorAccessToken minted outside oidc-provider, for the grants it does not serve
 * (ICM JWT-bearer, whose assertion is the client authentication). The same JWE as the
 * provider's encrypt-only JWT access tokens: `dir` + A256GCM with the current key's `kid`,
 * `typ: at+jwt` (RFC 9068 §2.1), and the claims `readAggregatorAccessToken` reads back.
 */
export async function mintAggregatorAccessToken(
  request: MintRequest,
): Promise<{ token: string; claims: AggregatorAccessTokenClaims }> {
  const iat = Math.floor((request.now ?? new Date()).getTime() / 1000);
  const claims = aggregatorAccessTokenClaimsSchema.parse({
    iss: request.issuer,
    aud: request.audience,
    iat,
    exp: iat + request.ttl,
    jti: randomBytes(32).toString('base64url'),
    client_id: request.clientId,
    scope: request.scope,
    sub: request.subject,
    ...operatorRoutingClaims(request.routing),
  });
  const key = request.keyring.current;
  const token = await new EncryptJWT({ ...claims })
    .setProtectedHeader({
      alg: 'dir',
      enc: 'A256GCM',
      kid: key.kid,
      typ: 'at+jwt',
      iss: request.issuer,
      aud: request.audience,
    })
    .encrypt(key.secret);
  return { token, claims };
}
