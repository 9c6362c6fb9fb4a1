import { errors, jwtDecrypt, type JWTPayload } from 'jose';
import {
  aggregatorAccessTokenClaimsSchema,
  type AggregatorAccessTokenClaims,
} from './aggregator-token-claims.js';
import { isCanonicalCompactJwe } from './canonical-base64url.js';
import type { TokenKeyring } from './token-keyring.js';

/** `alg: dir`: an empty encrypted key segment (RFC 7516 §7.1). */
const DIR_COMPACT_JWE = /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export type AccessTokenProblem =
  | 'malformed'
  | 'unknown_kid'
  | 'tampered'
  | 'expired'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'invalid_claims';

/** Why a bearer token was refused; `reason` is for the caller, never echo it with details. */
export class AccessTokenError extends Error {
  override readonly name = 'AccessTokenError';
  constructor(readonly reason: AccessTokenProblem) {
    super(`access token refused: ${reason}`);
  }
}

/** The token's audience: the aggregator's CAMARA API resource (RFC 8707 resource indicator). */
export const aggregatorTokenAudience = (issuer: string) => `${issuer.replace(/\/+$/, '')}/camara`;

export interface ReadOptions {
  readonly keyring: TokenKeyring;
  readonly issuer: string;
  readonly audience: string;
  /** Seconds of clock skew tolerated on `exp` (default 0). */
  readonly clockTolerance?: number;
  readonly now?: Date;
}

/**
 * Decrypts and validates a compact JWE (`dir` + A256GCM, `kid` header) and returns its
 * claims, or throws AccessTokenError saying why not.
 */
export async function readAggregatorAccessToken(
  token: string,
  options: ReadOptions,
): Promise<AggregatorAccessTokenClaims> {
  // Only the canonical spelling (RFC 4648 §3.5): one token is one string, so a cache or a
  // log keyed by the token sees each token once.
  if (!DIR_COMPACT_JWE.test(token) || !isCanonicalCompactJwe(token))
    throw new AccessTokenError('malformed');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtDecrypt(
      token,
      (header) => {
        const key = header.kid ? options.keyring.find(header.kid) : undefined;
        if (!key) throw new AccessTokenError('unknown_kid');
        return key.secret;
      },
      {
        issuer: options.issuer,
        audience: options.audience,
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
        clockTolerance: options.clockTolerance ?? 0,
        currentDate: options.now ?? new Date(),
        requiredClaims: ['exp', 'jti'],
      },
    ));
  } catch (err) {
    throw toAccessTokenError(err);
  }
  return checkClaims(payload);
}

function toAccessTokenError(err: unknown): AccessTokenError {
  if (err instanceof AccessTokenError) return err;
  if (err instanceof errors.JWTExpired) return new AccessTokenError('expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return new AccessTokenError('wrong_issuer');
    if (err.claim === 'aud') return new AccessTokenError('wrong_audience');
    return new AccessTokenError('invalid_claims');
  }
  if (err instanceof errors.JWEDecryptionFailed) return new AccessTokenError('tampered');
  return new AccessTokenError('malformed');
}

function checkClaims(payload: JWTPayload): AggregatorAccessTokenClaims {
  const claims = aggregatorAccessTokenClaimsSchema.safeParse(payload);
  if (!claims.success) throw new AccessTokenError('invalid_claims');
  return claims.data;
}
