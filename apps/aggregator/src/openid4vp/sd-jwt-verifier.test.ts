import { describe, expect, it, beforeAll } from '@jest/globals';
import { generateKeyPair } from 'jose';
import {
  createCertificateChain,
  createHandset,
  createTelephonyPki,
  type Tamper,
  type TelephonyPki,
} from '@switchboard/handset';
import { createTestCredential } from '@switchboard/handset/test-support';
import { verifySdJwt, BINDING_MAX_AGE } from './sd-jwt-verifier.js';
import { certificatesFromPem } from './x509-certificates.js';

let telephony: TelephonyPki;
let other: TelephonyPki;
let aggregatorChain: Awaited<ReturnType<typeof createCertificateChain>>;
const NONCE = 'nonce-0123456789abcdef';

beforeAll(async () => {
  [telephony, other, aggregatorChain] = await Promise.all([
    createTelephonyPki('Test Telephony'),
    createTelephonyPki('Other Telephony'),
    createCertificateChain({ rootName: 'Test Aggregator Root', leafName: 'Test Aggregator' }),
  ]);
});

/** A presentation from a simulated handset (no entitlement server: a fixed temp_token). */
async function present(tamper: Tamper = {}, now = Date.now()) {
  const { credential } = await createTestCredential({ chain: aggregatorChain, nonce: NONCE });
  const handset = createHandset({
    telephony,
    sims: [
      {
        slot: 0,
        subscriptionId: 1,
        carrierId: 90001,
        mccMnc: '99901',
        msisdn: '+346001000005',
        secret: 'sim-secret-a-5',
        entitlementUrl: 'http://127.0.0.1:9',
        label: 'A',
      },
    ],
    allowlist: { '99901': [aggregatorChain.rootFingerprint] },
    callerIdentity: 'https://app.example',
    now: () => now,
  });
  return handset.present(credential, NONCE, 0, { tempToken: 'temp-1', ...tamper });
}

const anchors = () => certificatesFromPem(telephony.rootPem);
const check = (sdJwt: string, at = new Date()) => verifySdJwt(sdJwt, anchors(), at);

describe('verifySdJwt (the guide §5.1 steps 1–3)', () => {
  it('accepts a handset presentation and returns its claims', async () => {
    const { issuer, binding, issuerJwt } = await check(await present());
    expect(issuer).toMatchObject({
      iss: 'Telephony',
      vct: 'number-verification/device-phone-number/ts43',
    });
    expect(binding).toMatchObject({
      nonce: NONCE,
      aud: 'https://app.example',
      carrier_hint: '99901',
    });
    expect(issuerJwt.split('.')).toHaveLength(3);
  });

  it('accepts a chain ending at the anchor without the anchor in x5c (leaf only)', async () => {
    const sdJwt = await present({ issuerHeader: { x5c: [telephony.x5c[0]] } });
    await expect(check(sdJwt)).resolves.toBeDefined();
  });

  it.each([
    ['two ~', (s: string) => `${s}~`],
    ['no ~', (s: string) => s.replace('~', '.')],
    ['a JWE instead of a JWS', (s: string) => `${s.split('~')[0]}.x.y~${s.split('~')[1]}`],
  ])('refuses a malformed SD-JWT (%s)', async (_name, mutate) => {
    await expect(check(mutate(await present()))).rejects.toThrow(
      'the SD-JWT must be two compact JWS joined by exactly one ~',
    );
  });

  it('refuses a tampered Issuer JWT payload', async () => {
    const sdJwt = await present();
    const [issuerJwt, binding] = sdJwt.split('~') as [string, string];
    const [h, p, s] = issuerJwt.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, vct: 'x' })).toString('base64url');
    await expect(check(`${h}.${forged}.${s}~${binding}`)).rejects.toThrow(
      'the Issuer JWT signature does not verify with its x5c leaf key',
    );
  });

  it('refuses an Issuer JWT from an untrusted Telephony PKI', async () => {
    await expect(check(await present({ telephony: other }))).rejects.toThrow(
      'the Issuer JWT x5c chain does not end at a configured Telephony trust anchor',
    );
  });

  it('refuses a chain whose leaf is not signed by the next certificate', async () => {
    const sdJwt = await present({ issuerHeader: { x5c: [telephony.x5c[0], other.x5c[1]] } });
    await expect(check(sdJwt)).rejects.toThrow(
      'the Issuer JWT x5c[0] certificate is not signed by x5c[1]',
    );
  });

  it('refuses a chain in which a non-CA certificate signs another (RFC 5280 basic constraints)', async () => {
    const sdJwt = await present({ issuerHeader: { x5c: [telephony.x5c[0], telephony.x5c[0]] } });
    await expect(check(sdJwt)).rejects.toThrow(
      'the Issuer JWT x5c[1] certificate signs x5c[0] but is not a CA certificate',
    );
  });

  it('refuses a certificate outside its validity', async () => {
    const later = new Date(Date.now() + 40 * 365 * 86_400_000);
    await expect(check(await present(), later)).rejects.toThrow(
      /x5c\[0\] certificate is not valid now/,
    );
  });

  it('refuses x5c that is not a certificate', async () => {
    await expect(check(await present({ issuerHeader: { x5c: ['AAAA'] } }))).rejects.toThrow(
      'the Issuer JWT x5c[0] is not an X.509 certificate',
    );
  });

  it.each([
    [{ issuerHeader: { typ: 'JWT' } }, 'the Issuer JWT typ must be dc-authorization+sd-jwt'],
    [{ issuerClaims: { iss: 'Someone' } }, 'the Issuer JWT iss must be Telephony'],
    [{ issuerClaims: { exp: Math.floor(Date.now() / 1000) - 60 } }, 'the Issuer JWT has expired'],
    [{ issuerClaims: { exp: undefined } }, 'the Issuer JWT needs an exp claim'],
    [
      { issuerClaims: { cnf: { jwk: { kty: 'OKP', crv: 'Ed25519', x: 'AA' } } } },
      'the Issuer JWT cnf must be { jwk } with a P-256 public key',
    ],
    [{ bindingHeader: { typ: 'JWT' } }, 'the Binding JWT typ must be kb+jwt'],
    [
      { bindingClaims: { iat: Math.floor(Date.now() / 1000) - BINDING_MAX_AGE - 30 } },
      `the Binding JWT iat must be within ${BINDING_MAX_AGE} s of now`,
    ],
    [
      { bindingClaims: { iat: undefined } },
      `the Binding JWT iat must be within ${BINDING_MAX_AGE} s of now`,
    ],
  ] as Array<[Tamper, string]>)('refuses %j', async (tamper, message) => {
    await expect(check(await present(tamper))).rejects.toThrow(message);
  });

  it('refuses a Binding JWT signed with a key other than cnf', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    await expect(check(await present({ bindingSigningKey: privateKey }))).rejects.toThrow(
      'the Binding JWT signature does not verify with the cnf key',
    );
  });

  it('refuses a tampered Binding JWT payload', async () => {
    const sdJwt = await present();
    const [issuerJwt, binding] = sdJwt.split('~') as [string, string];
    const [h, p, s] = binding.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, carrier_hint: '99902' })).toString(
      'base64url',
    );
    await expect(check(`${issuerJwt}~${h}.${forged}.${s}`)).rejects.toThrow(
      'the Binding JWT signature does not verify with the cnf key',
    );
  });
});
