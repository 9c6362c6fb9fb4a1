import { EncryptJWT, errors, jwtDecrypt, type JWTPayload } from 'jose';
import { isCanonicalCompactJwe } from './canonical-base64url.js';
import type { TokenKeyring } from './token-keyring.js';

/** `alg: dir`: an empty encrypted key segment (RFC 7516 §7.1). */
const DIR_COMPACT_JWE = /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The AggregatorAccessToken's claims (seed Annex step 19): the OperatorAccessToken and the
 * routing needed to forward a CAMARA call (steps 25–26), bound to one app and one scope.
 */
export interface AggregatorAccessTokenClaims {
  readonly iss: string;
  readonly aud: string;
  readonly exp: number;
  readonly iat: number;
  readonly jti: string;
  readonly client_id: string;
  readonly scope: string;
  /** The pairwise subject of the app's ID token. */
  readonly sub: string;
  readonly operator_id: string;
  readonly api_root: string;
  readonly operator_access_token: string;
}

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

const STRING_CLAIMS = [
  'jti',
  'client_id',
  'scope',
  'sub',
  'operator_id',
  'api_root',
  'operator_access_token',
] as const;

function checkClaims(payload: JWTPayload): AggregatorAccessTokenClaims {
  const p = payload as Record<string, unknown>;
  for (const claim of STRING_CLAIMS)
    if (typeof p[claim] !== 'string' || p[claim] === '')
      throw new AccessTokenError('invalid_claims');
  if (typeof p.iat !== 'number' || typeof p.aud !== 'string')
    throw new AccessTokenError('invalid_claims');
  return p as unknown as AggregatorAccessTokenClaims;
}

/**
 * Mints a token in the exact format the aggregator's token endpoint issues (tests, tools).
 * The header repeats `iss` and `aud` as oidc-provider does (RFC 7516 §4.1.11 replicated claims).
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
