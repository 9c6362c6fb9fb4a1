import { compactVerify, decodeProtectedHeader, importJWK, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';
import { verifyCertificateChain } from './certificates.js';
import { HandsetError } from './handset-error.js';

/**
 * The DCQL credential object an aggregator's `/openid4vp/credentials` returns (guide Step 1.3),
 * as the app passes it to the OS in `dcql_query.credentials`.
 */
export interface DcqlCredential {
  readonly id: string;
  readonly format: string;
  readonly meta: {
    readonly vct_values: ReadonlyArray<string>;
    readonly credential_authorization_jwt: string;
  };
  /** Optional SIM hints (guide Step 1.4); the simulated handset does not read them. */
  readonly claims?: ReadonlyArray<unknown>;
}

/** `consent_data`, decoded (guide Appendix B): what the OS consent dialog shows. */
export interface ConsentData {
  readonly consent_text: string;
  readonly policy_link?: string;
  readonly policy_text?: string;
}

/** What a verified credential_authorization_jwt tells the handset. */
export interface CredentialAuthorization {
  readonly credentialId: string;
  readonly vct: string;
  /** SHA-256 (lowercase hex) of the root certificate of the aggregator's `x5c` chain. */
  readonly rootFingerprint: string;
  readonly consent: ConsentData;
  /** The `consent_data` claim exactly as signed (base64url text): `consent_data_hash` hashes it. */
  readonly consentData: string;
  /** `jwks.keys[0]`: the aggregator's ephemeral P-256 ECDH-ES key the temp_token is encrypted to. */
  readonly encryptionKey: JWK;
  readonly encryptionKeyId: string | undefined;
  /** Echoed in the Binding JWT when present (guide, Binding JWT payload). */
  readonly state: string | undefined;
}

/** The TS.43 credential types Android defines (guide Step 1.4, "Currently defined vct_values"). */
export const KNOWN_VCT_VALUES: ReadonlyArray<string> = [
  'number-verification/device-phone-number/ts43',
  'number-verification/verify/ts43',
];

const credentialShape = z.looseObject({
  id: z.string().min(1),
  format: z.literal('dc-authorization+sd-jwt'),
  meta: z.looseObject({
    vct_values: z.array(z.string()).min(1),
    credential_authorization_jwt: z.string().min(1),
  }),
});

/** Guide Appendix B, payload; "Crypto requirements": ECDH-ES on P-256 with A128GCM. */
const payloadShape = z.looseObject({
  nonce: z.string(),
  exp: z.number(),
  state: z.string().optional(),
  jwks: z.looseObject({
    keys: z
      .array(
        z.looseObject({
          kty: z.literal('EC'),
          crv: z.literal('P-256'),
          x: z.string().min(1),
          y: z.string().min(1),
          alg: z.literal('ECDH-ES'),
          use: z.literal('enc').optional(),
          kid: z.string().min(1).optional(),
        }),
      )
      .min(1),
  }),
  encrypted_response_enc_values_supported: z
    .array(z.string())
    .refine((v) => v.includes('A128GCM'), 'must include A128GCM'),
  consent_data: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url'),
});

const consentShape = z.looseObject({
  consent_text: z.string().min(1),
  policy_link: z.string().optional(),
  policy_text: z.string().optional(),
});

const refuse = (message: string, cause?: unknown) =>
  new HandsetError('invalid_credential_request', message, cause ? { cause } : undefined);

/**
 * What GMS checks before it shows the consent dialog (guide Appendix B.1, "At runtime"): the
 * `x5c` chain, the leaf's signature on the JWS, the nonce, the expiry and the crypto
 * requirements. Whether the root is allowlisted is the caller's check (it depends on the SIM).
 */
export async function verifyCredentialAuthorization(
  credential: unknown,
  nonce: string,
  now: Date,
): Promise<CredentialAuthorization> {
  const shape = credentialShape.safeParse(credential);
  if (!shape.success) throw refuse(`the DCQL credential is malformed: ${issues(shape.error)}`);
  const { id, meta } = shape.data;
  const vct = meta.vct_values[0]!;
  if (!KNOWN_VCT_VALUES.includes(vct)) throw refuse(`unknown vct ${vct}`);
  const jwt = meta.credential_authorization_jwt;
  const chain = await signerOf(jwt, now);
  const payload = await verifiedPayload(jwt, chain);
  if (payload.nonce !== nonce)
    throw refuse('the credential_authorization_jwt nonce is not the request nonce');
  if (payload.exp <= Math.floor(now.getTime() / 1000))
    throw refuse('the credential_authorization_jwt has expired');
  const key = payload.jwks.keys[0]!;
  const encryptionKey: JWK = { kty: key.kty, crv: key.crv, x: key.x, y: key.y };
  try {
    await importJWK(encryptionKey, 'ECDH-ES');
  } catch (err) {
    throw refuse('jwks.keys[0] is not a usable P-256 public key', err);
  }
  return {
    credentialId: id,
    vct,
    rootFingerprint: chain.rootFingerprint,
    consent: decodeConsent(payload.consent_data),
    consentData: payload.consent_data,
    encryptionKey,
    encryptionKeyId: key.kid,
    state: payload.state,
  };
}

async function signerOf(jwt: string, now: Date) {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jwt);
  } catch (err) {
    throw refuse('the credential_authorization_jwt is not a JWS', err);
  }
  if (header.alg !== 'ES256') throw refuse('the credential_authorization_jwt alg must be ES256');
  if (header.typ !== 'oauth-authz-req+jwt')
    throw refuse('the credential_authorization_jwt typ must be oauth-authz-req+jwt');
  try {
    return await verifyCertificateChain(header.x5c, now);
  } catch (err) {
    throw refuse(`the credential_authorization_jwt x5c chain: ${(err as Error).message}`, err);
  }
}

async function verifiedPayload(jwt: string, signer: { leafKey: CryptoKey }) {
  let bytes: Uint8Array;
  try {
    ({ payload: bytes } = await compactVerify(jwt, signer.leafKey, { algorithms: ['ES256'] }));
  } catch (err) {
    throw refuse(
      'the credential_authorization_jwt signature does not verify with the x5c leaf',
      err,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw refuse('the credential_authorization_jwt payload is not JSON', err);
  }
  const parsed = payloadShape.safeParse(json);
  if (!parsed.success)
    throw refuse(`the credential_authorization_jwt payload: ${issues(parsed.error)}`);
  return parsed.data;
}

function decodeConsent(consentData: string): ConsentData {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(consentData, 'base64url').toString('utf8'));
  } catch (err) {
    throw refuse('consent_data is not base64url-encoded JSON', err);
  }
  const parsed = consentShape.safeParse(json);
  if (!parsed.success) throw refuse(`consent_data: ${issues(parsed.error)}`);
  const { consent_text, policy_link, policy_text } = parsed.data;
  return {
    consent_text,
    ...(policy_link === undefined ? {} : { policy_link }),
    ...(policy_text === undefined ? {} : { policy_text }),
  };
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
