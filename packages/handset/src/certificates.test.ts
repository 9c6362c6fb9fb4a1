import { describe, expect, it } from '@jest/globals';
import { generateKeyPair } from 'jose';
import {
  createCertificateChain,
  P256_SIGNING,
  parseCertificate,
  rootFingerprintOf,
  verifyCertificateChain,
} from './certificates.js';
import { x509 } from './x509.js';

describe('certificate chains (RFC 7515 §4.1.6 x5c, RFC 5280)', () => {
  it('creates a CA root and a leaf it signs; x5c is standard base64 DER, leaf first', async () => {
    const chain = await createCertificateChain({ rootName: 'Root, Inc.', leafName: 'Leaf' });
    const [leaf, root] = chain.x5c.map((c) => parseCertificate(c));
    expect(root!.subject).toBe('CN=Root\\, Inc.');
    expect(leaf!.issuer).toBe(root!.subject);
    expect(root!.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(true);
    expect(leaf!.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(rootFingerprintOf(chain.rootPem)).toBe(chain.rootFingerprint);
    expect(chain.leafPrivatePkcs8Pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect((await verifyCertificateChain(chain.x5c, new Date())).rootFingerprint).toBe(
      chain.rootFingerprint,
    );
  });

  it('refuses a certificate signed by a leaf (not a CA)', async () => {
    const chain = await createCertificateChain({ rootName: 'Root', leafName: 'Leaf' });
    const keys = await generateKeyPair('ES256', { extractable: true });
    const issuedByLeaf = await x509.X509CertificateGenerator.create({
      subject: 'CN=Below the leaf',
      issuer: parseCertificate(chain.x5c[0]).subject,
      publicKey: keys.publicKey,
      signingKey: chain.leafKey,
      signingAlgorithm: P256_SIGNING,
    });
    const x5c = [Buffer.from(issuedByLeaf.rawData).toString('base64'), ...chain.x5c];
    await expect(verifyCertificateChain(x5c, new Date())).rejects.toThrow(
      'x5c[1] is not a CA certificate',
    );
  });

  it('refuses what is not a certificate', () => {
    expect(() => rootFingerprintOf('not base64!')).toThrow(/not a PEM certificate/);
    expect(() => rootFingerprintOf('AAAA')).toThrow(/not an X.509 certificate/);
  });
});
