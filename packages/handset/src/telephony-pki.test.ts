import { describe, expect, it } from '@jest/globals';
import { CompactSign, compactVerify } from 'jose';
import {
  createTelephonyPki,
  HandsetError,
  rootFingerprintOf,
  telephonyPkiFromJson,
  telephonyPkiToJson,
  verifyCertificateChain,
} from './index.js';

describe('Telephony PKI', () => {
  it('is a root and a leaf signed by it; the fingerprint is SHA-256 of the root DER', async () => {
    const pki = await createTelephonyPki();
    expect(pki.x5c).toHaveLength(2);
    expect(pki.rootFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(rootFingerprintOf(pki.rootPem)).toBe(pki.rootFingerprint);
    expect(rootFingerprintOf(pki.x5c[1]!)).toBe(pki.rootFingerprint);
    const chain = await verifyCertificateChain(pki.x5c, new Date());
    const jws = await new CompactSign(new TextEncoder().encode('x'))
      .setProtectedHeader({ alg: 'ES256' })
      .sign(pki.issuerKey);
    await expect(compactVerify(jws, chain.leafKey)).resolves.toBeDefined();
  });

  it('survives a JSON round trip (PKCS8 PEM key)', async () => {
    const pki = await createTelephonyPki('Round Trip');
    const json = JSON.parse(JSON.stringify(await telephonyPkiToJson(pki)));
    expect(json.issuerKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const restored = await telephonyPkiFromJson(json);
    expect(restored.rootFingerprint).toBe(pki.rootFingerprint);
    expect(restored.x5c).toEqual(pki.x5c);
    const jws = await new CompactSign(new TextEncoder().encode('x'))
      .setProtectedHeader({ alg: 'ES256' })
      .sign(restored.issuerKey);
    const chain = await verifyCertificateChain(pki.x5c, new Date());
    await expect(compactVerify(jws, chain.leafKey)).resolves.toBeDefined();
  });

  it("refuses JSON whose key is not the leaf's, whose root is another, or that is malformed", async () => {
    const [a, b] = await Promise.all([createTelephonyPki('A'), createTelephonyPki('B')]);
    const [ja, jb] = await Promise.all([telephonyPkiToJson(a), telephonyPkiToJson(b)]);
    const cases: Array<[unknown, RegExp]> = [
      [{ ...ja, issuerKeyPem: jb.issuerKeyPem }, /not the leaf certificate's key/],
      [{ ...ja, rootPem: jb.rootPem }, /last x5c certificate is not rootPem/],
      [{ ...ja, x5c: [ja.x5c[0], jb.x5c[1]] }, /not signed by/],
      [{ rootPem: ja.rootPem }, /x5c/],
    ];
    for (const [raw, message] of cases) {
      const error = await telephonyPkiFromJson(raw).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(HandsetError);
      expect((error as HandsetError).code).toBe('invalid_options');
      expect((error as HandsetError).message).toMatch(message);
    }
  });
});
