import { createHash, randomBytes } from 'node:crypto';
import {
  CompactEncrypt,
  CompactSign,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
} from 'jose';
import type { CredentialAuthorization } from './credential-authorization.js';
import type { TelephonyPki } from './telephony-pki.js';

/**
 * Test-only deviations from what Android Telephony would build, so tests can show that the
 * aggregator and the operator refuse them. A claim or header set to `undefined` is removed.
 */
export interface Tamper {
  /** Sign the Binding JWT with this key instead of the device key published in `cnf`. */
  readonly bindingSigningKey?: CryptoKey;
  /** Claims set on (or, when undefined, removed from) the Issuer JWT payload. */
  readonly issuerClaims?: Readonly<Record<string, unknown>>;
  /** Claims set on (or removed from) the Binding JWT payload, after sd_hash etc. are computed. */
  readonly bindingClaims?: Readonly<Record<string, unknown>>;
  /** Header parameters of the Issuer JWT (`alg` stays ES256). */
  readonly issuerHeader?: Readonly<Record<string, unknown>>;
  /** Header parameters of the Binding JWT (`alg` stays ES256). */
  readonly bindingHeader?: Readonly<Record<string, unknown>>;
  /** Another Telephony PKI signs the Issuer JWT (one the aggregator does not trust). */
  readonly telephony?: TelephonyPki;
  /** Use this temp_token; the entitlement server is not asked. */
  readonly tempToken?: string;
  /** Do not ask the entitlement server; without `tempToken` a random one (unknown to any operator). */
  readonly skipEcs?: boolean;
}

export interface SdJwtInput {
  readonly telephony: TelephonyPki;
  readonly authorization: CredentialAuthorization;
  readonly nonce: string;
  readonly callerIdentity: string;
  readonly tempToken: string;
  readonly sim: {
    readonly subscriptionId: number;
    readonly mccMnc: string;
    readonly carrierId: number;
  };
  /** Seconds since the epoch. */
  readonly now: number;
  readonly tamper: Tamper;
}

/** Issuer JWT lifetime (contract: exp = iat + 300; the guide: "intentionally short"). */
export const ISSUER_JWT_LIFETIME = 300;

/**
 * The Operator Token, exactly as the guide's "Operator Token (SD-JWT) structure — reference":
 * `<Issuer JWT>~<Binding JWT>`, one `~`, no trailing `~`.
 */
export async function buildSdJwt(input: SdJwtInput): Promise<string> {
  const { tamper } = input;
  const device = await generateKeyPair('ES256', { extractable: true });
  const { kty, crv, x, y } = await exportJWK(device.publicKey);
  const telephony = tamper.telephony ?? input.telephony;
  const issuerJwt = await sign(
    { alg: 'ES256', typ: 'dc-authorization+sd-jwt', x5c: telephony.x5c, ...tamper.issuerHeader },
    override(
      {
        iss: 'Telephony',
        vct: input.authorization.vct,
        // RFC 7800 §3.2 form; the guide writes `cnf` loosely.
        cnf: { jwk: { kty, crv, x, y } },
        iat: input.now,
        exp: input.now + ISSUER_JWT_LIFETIME,
      },
      tamper.issuerClaims,
    ),
    telephony.issuerKey,
  );
  const { authorization, sim } = input;
  const binding = override(
    {
      iat: input.now,
      aud: input.callerIdentity,
      nonce: input.nonce,
      encrypted_credential: await encryptTempToken(authorization, input.tempToken),
      consent_data_hash: sha256(authorization.consentData),
      ...(authorization.state === undefined ? {} : { state: authorization.state }),
      sd_hash: sha256(`${issuerJwt}~`),
      subscription_hint: sim.subscriptionId,
      carrier_hint: sim.mccMnc,
      android_carrier_hint: sim.carrierId,
    },
    tamper.bindingClaims,
  );
  const bindingJwt = await sign(
    { alg: 'ES256', typ: 'kb+jwt', ...tamper.bindingHeader },
    binding,
    tamper.bindingSigningKey ?? device.privateKey,
  );
  return `${issuerJwt}~${bindingJwt}`;
}

/** A temp_token for `skipEcs` without a fixed one: well-formed, known to no operator. */
export function randomTempToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * `encrypted_credential` (guide, reference structure and §5.2): compact JWE, ECDH-ES + A128GCM,
 * to the aggregator's ephemeral key; plaintext `{"temp_token": …}`.
 */
async function encryptTempToken(authorization: CredentialAuthorization, tempToken: string) {
  const key = await importJWK(authorization.encryptionKey, 'ECDH-ES');
  const kid = authorization.encryptionKeyId;
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ temp_token: tempToken })))
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', ...(kid === undefined ? {} : { kid }) })
    .encrypt(key);
}

async function sign(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: CryptoKey,
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ ...header, alg: 'ES256' })
    .sign(key);
}

function override(
  claims: Record<string, unknown>,
  changes: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const result = { ...claims };
  for (const [name, value] of Object.entries(changes ?? {})) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result;
}

/** base64url(SHA-256(ascii(text))): `sd_hash` and `consent_data_hash`. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'ascii').digest('base64url');
}
