import {
  ClientSecretBasic,
  modifyAssertion,
  PrivateKeyJwt,
  type ClientAuth,
  type CryptoKey as OidcCryptoKey,
} from 'openid-client';
import { importJWK, importPKCS8, type JWK } from 'jose';

/** A private key for `private_key_jwt`: a private JWK, a PKCS#8 PEM string, or a CryptoKey. */
export type PrivateKeyInput = JWK | string | OidcCryptoKey;

export interface ClientCredentials {
  readonly clientSecret?: string | undefined;
  readonly privateKey?: PrivateKeyInput | undefined;
  /** `kid` of the key registered at the issuer (taken from the JWK when it has one). */
  readonly privateKeyId?: string | undefined;
  /** Signing algorithm of the client assertion; default the JWK's `alg`, else ES256. */
  readonly privateKeyAlg?: string | undefined;
}

/** A client's signing key, imported once: for client assertions and JWT-bearer grants. */
export interface ClientSigningKey {
  readonly key: OidcCryptoKey;
  readonly kid: string | undefined;
  readonly alg: string;
}

/**
 * The token-endpoint client authentication: `private_key_jwt` (ICM profile: MUST) when a
 * private key is given, else `client_secret_basic`.
 */
export async function createClientAuth(credentials: ClientCredentials): Promise<ClientAuth> {
  const { privateKey, clientSecret } = credentials;
  if (privateKey !== undefined && clientSecret !== undefined) {
    throw new TypeError('give either privateKey or clientSecret, not both');
  }
  if (privateKey === undefined) {
    if (!clientSecret) throw new TypeError('privateKey or clientSecret is required');
    return ClientSecretBasic(clientSecret);
  }
  return privateKeyJwt(await importSigningKey(credentials));
}

/**
 * `private_key_jwt` with the key already imported. With `audience`, the assertion's `aud` is
 * that exact endpoint URL (ICM r4.2 "Client Authentication" recommends it); without, the
 * issuer (openid-client's default).
 */
export function privateKeyJwt(signing: ClientSigningKey, audience?: string): ClientAuth {
  const key = signing.kid === undefined ? signing.key : { key: signing.key, kid: signing.kid };
  if (audience === undefined) return PrivateKeyJwt(key);
  return PrivateKeyJwt(key, {
    [modifyAssertion]: (_header, payload) => {
      payload.aud = audience;
    },
  });
}

/** Imports `privateKey`; a client secret will not do (the backend flows need a key, ICM). */
export async function importSigningKey(credentials: ClientCredentials): Promise<ClientSigningKey> {
  const { privateKey } = credentials;
  if (privateKey === undefined)
    throw new TypeError(
      'the backend flows (CIBA, JWT-bearer) need privateKey: the ICM profile requires private_key_jwt',
    );
  const jwk = isJwk(privateKey) ? privateKey : undefined;
  const alg = credentials.privateKeyAlg ?? jwk?.alg ?? 'ES256';
  const kid = credentials.privateKeyId ?? jwk?.kid;
  return { key: await importKey(privateKey, alg), kid, alg };
}

async function importKey(input: PrivateKeyInput, alg: string): Promise<OidcCryptoKey> {
  if (typeof input === 'string') return importPKCS8(input, alg, { extractable: false });
  if (isJwk(input)) {
    if (!input.d) throw new TypeError('privateKey JWK has no private part (d)');
    const key = await importJWK(input, alg);
    if (key instanceof Uint8Array) throw new TypeError('privateKey must be an asymmetric key');
    return key;
  }
  return input;
}

function isJwk(input: PrivateKeyInput): input is JWK {
  return typeof input === 'object' && 'kty' in input && typeof input.kty === 'string';
}
