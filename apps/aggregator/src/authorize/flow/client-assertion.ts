import { constants, createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { ClientAuth } from 'openid-client';

/** How node:crypto signs each JWS algorithm (RFC 7518 §3, RFC 8037 §3.1). */
const SIGNERS: Record<string, { hash: string | null; crv?: string; options?: object }> = {
  ES256: { hash: 'sha256', crv: 'P-256', options: { dsaEncoding: 'ieee-p1363' } },
  ES384: { hash: 'sha384', crv: 'P-384', options: { dsaEncoding: 'ieee-p1363' } },
  ES512: { hash: 'sha512', crv: 'P-521', options: { dsaEncoding: 'ieee-p1363' } },
  EdDSA: { hash: null, crv: 'Ed25519' },
  Ed25519: { hash: null, crv: 'Ed25519' },
  RS256: { hash: 'sha256' },
  RS384: { hash: 'sha384' },
  RS512: { hash: 'sha512' },
  PS256: { hash: 'sha256', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } },
  PS384: { hash: 'sha384', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 } },
  PS512: { hash: 'sha512', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 } },
};

const b64u = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * `private_key_jwt` at an operator (RFC 7523 §2.2, OIDC Core §9): the assertion openid-client's
 * `PrivateKeyJwt` makes (iss = sub = client_id, aud = the operator's issuer, jti, iat = nbf,
 * exp = iat + 60 s), signed by node:crypto in the calling thread instead of a WebCrypto job
 * (issue 16: a third of the CPU, and no thread-pool hop in the middle of the operator leg).
 * `undefined` for an algorithm node:crypto is not mapped for here: the caller keeps
 * openid-client's own.
 */
export function nodePrivateKeyJwt(
  jwk: Record<string, unknown>,
  alg: string,
): ClientAuth | undefined {
  const signer = SIGNERS[alg];
  if (!signer) return undefined;
  // As jose's importJWK: a key of another curve or type is a configuration error, not a
  // signature the operator will refuse later.
  const kty = signer.crv ? (signer.crv.startsWith('P-') ? 'EC' : 'OKP') : 'RSA';
  if (jwk.kty !== kty || (signer.crv !== undefined && jwk.crv !== signer.crv))
    throw new TypeError(`the operator private key (${String(jwk.kty)}) does not fit ${alg}`);
  const key: KeyObject = createPrivateKey({ key: jwk, format: 'jwk' });
  const header = b64u(
    JSON.stringify({ alg, ...(typeof jwk.kid === 'string' ? { kid: jwk.kid } : {}) }),
  );
  return (as, client, body) => {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      jti: randomBytes(32).toString('base64url'),
      aud: as.issuer,
      exp: now + 60,
      iat: now,
      nbf: now,
      iss: client.client_id,
      sub: client.client_id,
    };
    const input = `${header}.${b64u(JSON.stringify(payload))}`;
    const signature = sign(signer.hash, Buffer.from(input), { key, ...signer.options });
    body.set('client_id', client.client_id);
    body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    body.set('client_assertion', `${input}.${signature.toString('base64url')}`);
  };
}
