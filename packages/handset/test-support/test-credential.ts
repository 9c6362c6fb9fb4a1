import { randomBytes } from 'node:crypto';
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import type { CertificateChain, DcqlCredential } from '../src/index.js';

/** The consent material of a test credential (guide Appendix B, `consent_data`). */
export const TEST_CONSENT = {
  consent_text: 'Test App wants to verify your phone number with your operator.',
  policy_link: 'https://aggregator.example/privacy',
  policy_text: 'Privacy policy',
} as const;

export interface TestCredentialOptions {
  /** The aggregator's chain: its leaf signs, its `x5c` goes in the header. */
  readonly chain: CertificateChain;
  readonly nonce: string;
  readonly vct?: string;
  /** Claims set on (undefined: removed from) the credential_authorization_jwt payload. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Header parameters set on the JWS (undefined: removed). */
  readonly header?: Readonly<Record<string, unknown>>;
  /** Signs instead of the chain's leaf key. */
  readonly signingKey?: CryptoKey;
  /** Seconds since the epoch; default now. */
  readonly now?: number;
}

export interface TestCredential {
  readonly credential: DcqlCredential;
  /** The ephemeral private key the aggregator keeps to decrypt `encrypted_credential`. */
  readonly decryptionKey: CryptoKey;
  /** The `consent_data` claim as signed. */
  readonly consentData: string;
}

/**
 * What an aggregator's `/openid4vp/credentials` answers (contract §3.2, guide Appendix B), made
 * in a test from a chain of `createCertificateChain`: the DCQL credential with a fresh ephemeral
 * P-256 ECDH-ES key.
 */
export async function createTestCredential(o: TestCredentialOptions): Promise<TestCredential> {
  const id = `sb-ot-${randomBytes(16).toString('base64url')}`;
  const vct = o.vct ?? 'number-verification/device-phone-number/ts43';
  const ephemeral = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
  const { kty, crv, x, y } = await exportJWK(ephemeral.publicKey);
  const consentData = Buffer.from(JSON.stringify(TEST_CONSENT)).toString('base64url');
  const iat = o.now ?? Math.floor(Date.now() / 1000);
  const payload = withChanges(
    {
      iss: 'https://aggregator.example',
      iat,
      exp: iat + 300,
      nonce: o.nonce,
      client_id: 'test-app',
      jwks: { keys: [{ kty, crv, x, y, kid: id, use: 'enc', alg: 'ECDH-ES' }] },
      encrypted_response_enc_values_supported: ['A128GCM'],
      consent_data: consentData,
    },
    o.claims,
  );
  const header = withChanges({ typ: 'oauth-authz-req+jwt', x5c: o.chain.x5c }, o.header);
  const jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ ...header, alg: 'ES256' })
    .sign(o.signingKey ?? o.chain.leafKey);
  return {
    credential: {
      id,
      format: 'dc-authorization+sd-jwt',
      meta: { vct_values: [vct], credential_authorization_jwt: jwt },
    },
    decryptionKey: ephemeral.privateKey,
    consentData: String(payload.consent_data),
  };
}

function withChanges(
  base: Record<string, unknown>,
  changes: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const result = { ...base };
  for (const [name, value] of Object.entries(changes ?? {})) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result;
}
