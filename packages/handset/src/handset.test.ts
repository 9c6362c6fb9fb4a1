import { beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  compactDecrypt,
  compactVerify,
  decodeProtectedHeader,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import {
  createFakeEntitlement,
  createTestCredential,
  TEST_CONSENT,
} from '../test-support/index.js';
import {
  createCertificateChain,
  createHandset,
  createTelephonyPki,
  HandsetError,
  verifyCertificateChain,
  type CertificateChain,
  type HandsetSim,
  type TelephonyPki,
} from './index.js';

// The simulated handset against the contract's §2 and the guide's "Operator Token (SD-JWT)
// structure — reference". The entitlement server is an in-memory fetch (no sockets).
const NONCE = 'nonce-0123456789abcdef';
const SIM_A: HandsetSim = {
  slot: 0,
  subscriptionId: 1,
  carrierId: 90001,
  mccMnc: '99901',
  msisdn: '+346001000005',
  secret: 'sim-secret-a-5',
  entitlementUrl: 'http://127.0.0.1:4001',
  label: 'Sandbox A',
};
const SIM_B: HandsetSim = {
  slot: 1,
  subscriptionId: 2,
  carrierId: 90002,
  mccMnc: '99902',
  msisdn: '+491700000005',
  secret: 'sim-secret-b-5',
  entitlementUrl: 'http://127.0.0.1:4002',
  label: 'Sandbox B',
};

let aggregator: CertificateChain;
let stranger: CertificateChain;
let telephony: TelephonyPki;

beforeAll(async () => {
  [aggregator, stranger, telephony] = await Promise.all([
    createCertificateChain({ rootName: 'Test Aggregator Root', leafName: 'Test Aggregator' }),
    createCertificateChain({ rootName: 'Stranger Root', leafName: 'Stranger' }),
    createTelephonyPki('Test Telephony'),
  ]);
});

const handsetWith = (allowlist: Record<string, string[]>, sims = [SIM_A, SIM_B]) => {
  const ecs = createFakeEntitlement({
    [SIM_A.msisdn]: SIM_A.secret,
    [SIM_B.msisdn]: SIM_B.secret,
  });
  const handset = createHandset({
    telephony,
    sims,
    allowlist,
    callerIdentity: 'https://app.example',
    fetch: ecs.fetch,
  });
  return { handset, ecs };
};
const bothAllowlist = () => ({
  '99901': [aggregator.rootFingerprint],
  '99902': [aggregator.rootFingerprint],
});

async function refusal(promise: Promise<unknown>): Promise<HandsetError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(HandsetError);
    return err as HandsetError;
  }
  throw new Error('expected a HandsetError');
}

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
const b64urlSha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

describe('handset.activeCarrierIds (guide Step 1.1)', () => {
  it('lists one distinct carrier id per active SIM, in slot order', () => {
    const twin = { ...SIM_A, slot: 2, subscriptionId: 3 };
    expect(handsetWith({}, [SIM_B, SIM_A, twin]).handset.activeCarrierIds()).toEqual([
      90001, 90002,
    ]);
  });
});

describe('handset.review (guide Appendix B.1, "At runtime")', () => {
  it('shows the consent text and offers only the SIMs whose carrier allowlists the root', async () => {
    const { credential } = await createTestCredential({ chain: aggregator, nonce: NONCE });
    const { handset, ecs } = handsetWith({ '99902': [aggregator.rootFingerprint] });
    const review = await handset.review(credential, NONCE);
    expect(review.consent).toEqual(TEST_CONSENT);
    expect(review.vct).toBe('number-verification/device-phone-number/ts43');
    expect(review.sims.map((s) => s.slot)).toEqual([1]);
    expect(ecs.requests).toEqual([]);
  });

  it('refuses a root no SIM carrier allowlists (aggregator_not_allowlisted)', async () => {
    const { credential } = await createTestCredential({ chain: stranger, nonce: NONCE });
    const error = await refusal(handsetWith(bothAllowlist()).handset.review(credential, NONCE));
    expect(error.code).toBe('aggregator_not_allowlisted');
  });

  it('refuses a root allowlisted only for an MCC-MNC none of its SIMs has', async () => {
    const { credential } = await createTestCredential({ chain: aggregator, nonce: NONCE });
    const { handset } = handsetWith({ '99903': [aggregator.rootFingerprint] });
    expect((await refusal(handset.review(credential, NONCE))).code).toBe(
      'aggregator_not_allowlisted',
    );
  });

  it('refuses a broken chain: the leaf is not signed by the root in x5c', async () => {
    const { credential } = await createTestCredential({
      chain: aggregator,
      nonce: NONCE,
      header: { x5c: [aggregator.x5c[0], stranger.x5c[1]] },
    });
    const error = await refusal(handsetWith(bothAllowlist()).handset.review(credential, NONCE));
    expect(error.code).toBe('invalid_credential_request');
    expect(error.message).toMatch(/x5c\[0\] is not signed by x5c\[1\]/);
  });

  it('refuses a wrong nonce', async () => {
    const { credential } = await createTestCredential({ chain: aggregator, nonce: NONCE });
    const error = await refusal(
      handsetWith(bothAllowlist()).handset.review(credential, 'another-nonce-0123456'),
    );
    expect(error.code).toBe('invalid_credential_request');
    expect(error.message).toMatch(/nonce/);
  });

  it.each([
    [
      'signed by a key other than the x5c leaf',
      { signingKey: 'stranger' },
      /signature does not verify/,
    ],
    ['expired', { claims: { exp: Math.floor(Date.now() / 1000) - 1 } }, /expired/],
    ['of another typ', { header: { typ: 'JWT' } }, /typ must be oauth-authz-req\+jwt/],
    ['without x5c', { header: { x5c: undefined } }, /x5c must be an array/],
    ['with base64url x5c', { header: { x5c: ['a-b_c'] } }, /not standard base64 DER/],
    [
      'without A128GCM',
      { claims: { encrypted_response_enc_values_supported: ['A256GCM'] } },
      /must include A128GCM/,
    ],
    [
      'with a key for another algorithm',
      { claims: { jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', alg: 'ES256' }] } } },
      /jwks\.keys\.0\.alg/,
    ],
    [
      'with consent_data that is not JSON',
      { claims: { consent_data: 'bm90LWpzb24' } },
      /not base64url-encoded JSON/,
    ],
    [
      'with consent_data without consent_text',
      { claims: { consent_data: Buffer.from('{"policy_text":"x"}').toString('base64url') } },
      /consent_text/,
    ],
    ['of an unknown vct', { vct: 'number-verification/other/ts43' }, /unknown vct/],
  ])('refuses a credential_authorization_jwt %s', async (_name, o, message) => {
    const signingKey = 'signingKey' in o ? stranger.leafKey : undefined;
    const { credential } = await createTestCredential({
      chain: aggregator,
      nonce: NONCE,
      ...o,
      ...(signingKey ? { signingKey } : {}),
    } as Parameters<typeof createTestCredential>[0]);
    const error = await refusal(handsetWith(bothAllowlist()).handset.review(credential, NONCE));
    expect(error.code).toBe('invalid_credential_request');
    expect(error.message).toMatch(message);
  });

  it('refuses an expired aggregator certificate', async () => {
    const old = await createCertificateChain({
      rootName: 'Old Root',
      leafName: 'Old',
      notBefore: new Date(Date.now() - 86_400_000 * 2),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const { credential } = await createTestCredential({ chain: old, nonce: NONCE });
    const { handset } = handsetWith({ '99901': [old.rootFingerprint] });
    expect((await refusal(handset.review(credential, NONCE))).message).toMatch(
      /not valid at this time/,
    );
  });

  it('refuses a malformed DCQL credential', async () => {
    const { credential } = await createTestCredential({ chain: aggregator, nonce: NONCE });
    const bad = { ...credential, format: 'vc+sd-jwt' };
    const error = await refusal(handsetWith(bothAllowlist()).handset.review(bad, NONCE));
    expect(error.code).toBe('invalid_credential_request');
  });

  it('has no eligible SIM without any SIM', async () => {
    const { credential } = await createTestCredential({ chain: aggregator, nonce: NONCE });
    const error = await refusal(handsetWith(bothAllowlist(), []).handset.review(credential, NONCE));
    expect(error.code).toBe('no_eligible_sim');
  });
});

describe("handset.present (the SD-JWT of the guide's reference structure)", () => {
  async function presented(slot?: number) {
    const test = await createTestCredential({ chain: aggregator, nonce: NONCE });
    const { handset, ecs } = handsetWith(bothAllowlist());
    const sdJwt = await handset.present(test.credential, NONCE, slot);
    return { ...test, sdJwt, ecs };
  }

  it('is <Issuer JWT>~<Binding JWT> whose parts verify: Issuer JWT by the x5c leaf, Binding JWT by cnf.jwk', async () => {
    const { sdJwt } = await presented();
    const parts = sdJwt.split('~');
    expect(parts).toHaveLength(2);
    const [issuerJwt, bindingJwt] = parts as [string, string];

    const issuerHeader = decodeProtectedHeader(issuerJwt);
    expect(issuerHeader).toEqual({
      alg: 'ES256',
      typ: 'dc-authorization+sd-jwt',
      x5c: telephony.x5c,
    });
    const chain = await verifyCertificateChain(issuerHeader.x5c, new Date());
    expect(chain.rootFingerprint).toBe(telephony.rootFingerprint);
    await expect(compactVerify(issuerJwt, chain.leafKey)).resolves.toBeDefined();
    const issuer = claimsOf(issuerJwt);
    expect(issuer).toEqual({
      iss: 'Telephony',
      vct: 'number-verification/device-phone-number/ts43',
      cnf: { jwk: { kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String) } },
      iat: expect.any(Number),
      exp: (issuer.iat as number) + 300,
    });

    expect(decodeProtectedHeader(bindingJwt)).toEqual({ alg: 'ES256', typ: 'kb+jwt' });
    const cnfKey = await importJWK((issuer.cnf as { jwk: JWK }).jwk, 'ES256');
    await expect(compactVerify(bindingJwt, cnfKey)).resolves.toBeDefined();
  });

  it('binds the nonce, the caller, sd_hash and consent_data_hash as the contract defines', async () => {
    const { sdJwt, consentData } = await presented();
    const [issuerJwt, bindingJwt] = sdJwt.split('~') as [string, string];
    const binding = claimsOf(bindingJwt);
    expect(binding).toMatchObject({
      aud: 'https://app.example',
      nonce: NONCE,
      sd_hash: b64urlSha256(`${issuerJwt}~`),
      consent_data_hash: b64urlSha256(consentData),
    });
    expect(binding.iat).toBe(claimsOf(issuerJwt).iat);
    expect(binding).not.toHaveProperty('state');
  });

  it("encrypts the temp_token from the entitlement server to the aggregator's ephemeral key", async () => {
    const { sdJwt, decryptionKey, credential, ecs } = await presented();
    const jwe = String(claimsOf(sdJwt.split('~')[1]!).encrypted_credential);
    const header = decodeProtectedHeader(jwe);
    expect(header).toMatchObject({ alg: 'ECDH-ES', enc: 'A128GCM', kid: credential.id });
    expect(header.epk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    const { plaintext } = await compactDecrypt(jwe, decryptionKey);
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toEqual({
      temp_token: ecs.issued.get(SIM_A.msisdn),
    });
    const stranger = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
    await expect(compactDecrypt(jwe, stranger.privateKey)).rejects.toThrow();
  });

  it("carries the hints of the SIM the user picked and asks that SIM's operator", async () => {
    const { sdJwt, decryptionKey, ecs } = await presented(1);
    const binding = claimsOf(sdJwt.split('~')[1]!);
    expect(binding).toMatchObject({
      subscription_hint: 2,
      carrier_hint: '99902',
      android_carrier_hint: 90002,
    });
    expect(ecs.requests.map((r) => r.url)).toEqual([
      'http://127.0.0.1:4002/ts43/v1/challenge',
      'http://127.0.0.1:4002/ts43/v1/temporary-token',
    ]);
    const { plaintext } = await compactDecrypt(String(binding.encrypted_credential), decryptionKey);
    expect(JSON.parse(new TextDecoder().decode(plaintext)).temp_token).toBe(
      ecs.issued.get(SIM_B.msisdn),
    );
  });

  it('a fresh device key per presentation', async () => {
    const test = await createTestCredential({ chain: aggregator, nonce: NONCE });
    const { handset } = handsetWith(bothAllowlist());
    const cnf = async () =>
      claimsOf((await handset.present(test.credential, NONCE)).split('~')[0]!).cnf;
    expect(await cnf()).not.toEqual(await cnf());
  });

  it('echoes state from the credential_authorization_jwt', async () => {
    const { credential } = await createTestCredential({
      chain: aggregator,
      nonce: NONCE,
      claims: { state: 'state-1' },
    });
    const sdJwt = await handsetWith(bothAllowlist()).handset.present(credential, NONCE);
    expect(claimsOf(sdJwt.split('~')[1]!).state).toBe('state-1');
  });

  it('refuses a slot the dialog did not offer', async () => {
    const { credential } = await createTestCredential({ chain: aggregator, nonce: NONCE });
    const { handset, ecs } = handsetWith({ '99901': [aggregator.rootFingerprint] });
    expect((await refusal(handset.present(credential, NONCE, 1))).code).toBe('no_eligible_sim');
    expect(ecs.requests).toEqual([]);
  });

  it('reports an entitlement server refusal as entitlement_failed', async () => {
    const { credential } = await createTestCredential({ chain: aggregator, nonce: NONCE });
    const ecs = createFakeEntitlement({ [SIM_A.msisdn]: 'another-secret' });
    const handset = createHandset({
      telephony,
      sims: [SIM_A],
      allowlist: bothAllowlist(),
      callerIdentity: 'https://app.example',
      fetch: ecs.fetch,
    });
    const error = await refusal(handset.present(credential, NONCE));
    expect(error.code).toBe('entitlement_failed');
    expect(error.message).toMatch(/401 authentication_failed/);
  });
});

describe('Tamper (tests only)', () => {
  it('signs the Binding JWT with another key than cnf', async () => {
    const { credential } = await createTestCredential({ chain: aggregator, nonce: NONCE });
    const other = await generateKeyPair('ES256');
    const sdJwt = await handsetWith(bothAllowlist()).handset.present(credential, NONCE, 0, {
      bindingSigningKey: other.privateKey,
    });
    const [issuerJwt, bindingJwt] = sdJwt.split('~') as [string, string];
    const cnfKey = await importJWK((claimsOf(issuerJwt).cnf as { jwk: JWK }).jwk, 'ES256');
    await expect(compactVerify(bindingJwt, cnfKey)).rejects.toThrow();
    await expect(compactVerify(bindingJwt, other.publicKey)).resolves.toBeDefined();
  });

  it('overrides and removes claims, uses another PKI and a fixed temp_token without the ECS', async () => {
    const test = await createTestCredential({ chain: aggregator, nonce: NONCE });
    const otherPki = await createTelephonyPki('Other Telephony');
    const { handset, ecs } = handsetWith(bothAllowlist());
    const sdJwt = await handset.present(test.credential, NONCE, 0, {
      issuerClaims: { vct: 'number-verification/verify/ts43', exp: undefined },
      bindingClaims: { aud: 'https://evil.example', sd_hash: 'x' },
      telephony: otherPki,
      tempToken: 'fixed-temp-token',
    });
    const [issuerJwt, bindingJwt] = sdJwt.split('~') as [string, string];
    expect(decodeProtectedHeader(issuerJwt).x5c).toEqual(otherPki.x5c);
    expect(claimsOf(issuerJwt).vct).toBe('number-verification/verify/ts43');
    expect(claimsOf(issuerJwt)).not.toHaveProperty('exp');
    expect(claimsOf(bindingJwt)).toMatchObject({ aud: 'https://evil.example', sd_hash: 'x' });
    const jwe = String(claimsOf(bindingJwt).encrypted_credential);
    const { plaintext } = await compactDecrypt(jwe, test.decryptionKey);
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toEqual({
      temp_token: 'fixed-temp-token',
    });
    expect(ecs.requests).toEqual([]);
  });

  it('skips the ECS with a random temp_token', async () => {
    const test = await createTestCredential({ chain: aggregator, nonce: NONCE });
    const { handset, ecs } = handsetWith(bothAllowlist());
    const sdJwt = await handset.present(test.credential, NONCE, 0, { skipEcs: true });
    const jwe = String(claimsOf(sdJwt.split('~')[1]!).encrypted_credential);
    const { plaintext } = await compactDecrypt(jwe, test.decryptionKey);
    expect(JSON.parse(new TextDecoder().decode(plaintext)).temp_token).toMatch(
      /^[A-Za-z0-9_-]{43}$/,
    );
    expect(ecs.requests).toEqual([]);
  });
});

describe('createHandset options', () => {
  it.each([
    ['duplicate slots', { sims: [SIM_A, { ...SIM_B, slot: 0 }] }, /slots must be distinct/],
    ['a bad MCC-MNC', { sims: [{ ...SIM_A, mccMnc: '9990' }] }, /mccMnc/],
    [
      'an upper-case fingerprint',
      { allowlist: { '99901': ['A'.repeat(64)] } },
      /SHA-256 lowercase hex/,
    ],
    ['no caller identity', { callerIdentity: '' }, /callerIdentity/],
  ])('refuses %s (invalid_options)', (_name, change, message) => {
    let error: unknown;
    try {
      createHandset({
        telephony,
        sims: [SIM_A],
        allowlist: {},
        callerIdentity: 'https://a.example',
        ...change,
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(HandsetError);
    expect((error as HandsetError).code).toBe('invalid_options');
    expect((error as HandsetError).message).toMatch(message);
  });
});
