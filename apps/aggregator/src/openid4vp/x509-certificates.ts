// The one module of the aggregator that sets up @peculiar/x509: its dependency injection
// (tsyringe) needs the Reflect metadata polyfill loaded first; it signs and verifies through
// WebCrypto, Node's. It generates certificates; the request path (sd-jwt-verifier.ts) parses and
// verifies them with node:crypto's `X509Certificate` (OpenSSL), several times faster.
import 'reflect-metadata';
import { createHash, X509Certificate as NodeX509Certificate, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** ECDSA P-256 with SHA-256: the ES256 keys of the guide's Appendix B chains. */
export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface IssuedCertificate {
  readonly certificate: x509.X509Certificate;
  /** Standard base64 of the DER (an `x5c` entry, RFC 7515 §4.1.6). */
  readonly der: string;
  /** SHA-256 of the DER, lowercase hex (what an operator gives Google's allowlist). */
  readonly fingerprint: string;
}

export const generateP256 = () =>
  webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

/** A self-signed CA certificate for `keys`. */
export async function createRootCertificate(
  name: string,
  keys: CryptoKeyPair,
  validity: { notBefore: Date; notAfter: Date },
): Promise<IssuedCertificate> {
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}`,
    keys,
    ...validity,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return issued(certificate);
}

/** An end-entity (digitalSignature) certificate for `publicKey`, signed by the root. */
export async function createLeafCertificate(
  name: string,
  publicKey: CryptoKey,
  root: { certificate: x509.X509Certificate; privateKey: CryptoKey },
  validity: { notBefore: Date; notAfter: Date },
): Promise<IssuedCertificate> {
  const certificate = await x509.X509CertificateGenerator.create({
    subject: `CN=${name}`,
    issuer: root.certificate.subject,
    publicKey,
    signingKey: root.privateKey,
    ...validity,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(root.certificate.publicKey),
    ],
  });
  return issued(certificate);
}

export function issued(certificate: x509.X509Certificate): IssuedCertificate {
  const raw = Buffer.from(certificate.rawData);
  return {
    certificate,
    der: raw.toString('base64'),
    fingerprint: createHash('sha256').update(raw).digest('hex'),
  };
}

export const BasicConstraintsExtension = x509.BasicConstraintsExtension;

export const certificateFromDer = (der: string) =>
  new x509.X509Certificate(Buffer.from(der, 'base64'));

export async function exportPkcs8(key: CryptoKey): Promise<string> {
  return Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key)).toString('base64');
}

export function importPkcs8(pkcs8: string): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', Buffer.from(pkcs8, 'base64'), EC_P256, false, [
    'sign',
  ]) as Promise<CryptoKey>;
}

/** Every certificate of a PEM file (one or more `BEGIN CERTIFICATE` blocks). */
export function certificatesFromPem(pem: string): x509.X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new x509.X509Certificate(block));
}

/**
 * Trust anchors in the form the request path verifies with (node:crypto, OpenSSL): converted
 * once, when the aggregator starts, not per request.
 */
export const nodeCertificates = (
  certificates: readonly x509.X509Certificate[],
): NodeX509Certificate[] =>
  certificates.map((c) => new NodeX509Certificate(Buffer.from(c.rawData)));
