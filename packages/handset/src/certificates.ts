import { createHash } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { x509 } from './x509.js';

/** ES256 keys and ECDSA-with-SHA-256 signatures, the only kind the guide's JWS headers use. */
export const P256_SIGNING = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface CertificateChainOptions {
  /** Subject common name of the self-signed root, e.g. `Switchboard OpenID4VP Root`. */
  readonly rootName: string;
  /** Subject common name of the leaf the root signs. */
  readonly leafName: string;
  /** Validity of both certificates; default one hour ago … five years from now. */
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

export interface CertificateChain {
  readonly rootPem: string;
  /** SHA-256 of the root certificate's DER, lowercase hex (what Google's allowlist holds). */
  readonly rootFingerprint: string;
  /** The root's private key (P-256), to sign further leaves. */
  readonly rootKey: CryptoKey;
  readonly leafPem: string;
  /** The leaf's private key (P-256, ES256): signs JWS whose header carries `x5c`. */
  readonly leafKey: CryptoKey;
  readonly leafPrivatePkcs8Pem: string;
  /** `[leaf, root]`, standard base64 (not base64url) DER: a JWS `x5c` header (RFC 7515 §4.1.6). */
  readonly x5c: [string, string];
}

interface KeyPair {
  readonly publicKey: CryptoKey;
  readonly privateKey: CryptoKey;
}

const HOUR = 3_600_000;
const YEAR = 365 * 24 * HOUR;

/**
 * A generic P-256 PKI of two certificates: a self-signed root (CA) and a leaf signed by it. It
 * stands for the aggregator's OpenID4VP chain (guide Appendix B.1) as well as for the simulated
 * Android Telephony issuer chain.
 */
export async function createCertificateChain(
  o: CertificateChainOptions,
): Promise<CertificateChain> {
  const notBefore = o.notBefore ?? new Date(Date.now() - HOUR);
  const notAfter = o.notAfter ?? new Date(Date.now() + 5 * YEAR);
  const rootKeys = await generateSigningKeys();
  const leafKeys = await generateSigningKeys();
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    name: distinguishedName(o.rootName),
    keys: rootKeys,
    signingAlgorithm: P256_SIGNING,
    notBefore,
    notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const leaf = await x509.X509CertificateGenerator.create({
    subject: distinguishedName(o.leafName),
    issuer: root.subject,
    publicKey: leafKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: P256_SIGNING,
    notBefore,
    notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  return {
    rootPem: root.toString('pem'),
    rootFingerprint: fingerprintOfDer(root.rawData),
    rootKey: rootKeys.privateKey,
    leafPem: leaf.toString('pem'),
    leafKey: leafKeys.privateKey,
    leafPrivatePkcs8Pem: await privateKeyPem(leafKeys.privateKey),
    x5c: [derBase64(leaf), derBase64(root)],
  };
}

/**
 * SHA-256 of a certificate's DER, lowercase hex. Takes a PEM certificate (the first one of the
 * text) or the standard-base64 DER of an `x5c` entry.
 */
export function rootFingerprintOf(pemOrDerB64: string): string {
  return fingerprintOfDer(parseCertificate(pemOrDerB64).rawData);
}

/** A certificate from PEM or standard-base64 DER; throws a TypeError naming what is wrong. */
export function parseCertificate(pemOrDerB64: string): x509.X509Certificate {
  const text = pemOrDerB64.trim();
  if (!text.startsWith('-----BEGIN') && !/^[A-Za-z0-9+/]+={0,2}$/.test(text))
    throw new TypeError('not a PEM certificate nor standard base64 DER');
  try {
    return new x509.X509Certificate(
      text.startsWith('-----BEGIN') ? text : Buffer.from(text, 'base64'),
    );
  } catch (err) {
    throw new TypeError(`not an X.509 certificate: ${(err as Error).message}`, { cause: err });
  }
}

export interface VerifiedChain {
  readonly leaf: x509.X509Certificate;
  /** The leaf's public key, to verify the JWS the chain is attached to. */
  readonly leafKey: CryptoKey;
  /** SHA-256 (lowercase hex) of the last certificate of the chain. */
  readonly rootFingerprint: string;
}

/**
 * Checks an `x5c` chain (RFC 7515 §4.1.6): standard-base64 DER certificates, each signed by
 * the next (a CA certificate), all valid at `now`, the leaf a P-256 key. Throws a TypeError naming the failed check.
 * Trust in the last certificate is the caller's decision (its fingerprint is returned).
 */
export async function verifyCertificateChain(x5c: unknown, now: Date): Promise<VerifiedChain> {
  if (!Array.isArray(x5c) || x5c.length < 1 || x5c.length > 5)
    throw new TypeError('x5c must be an array of 1 to 5 certificates');
  const certificates = x5c.map((entry, index) => {
    if (typeof entry !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(entry))
      throw new TypeError(`x5c[${index}] is not standard base64 DER`);
    return parseCertificate(entry);
  });
  for (const [index, certificate] of certificates.entries()) {
    if (now < certificate.notBefore || now > certificate.notAfter)
      throw new TypeError(`x5c[${index}] is not valid at this time`);
    const issuer = certificates[index + 1];
    if (!issuer) continue;
    // RFC 5280 §4.2.1.9: only a CA certificate may sign another certificate.
    if (!issuer.getExtension(x509.BasicConstraintsExtension)?.ca)
      throw new TypeError(`x5c[${index + 1}] is not a CA certificate`);
    if (!(await certificate.verify({ publicKey: issuer.publicKey, signatureOnly: true })))
      throw new TypeError(`x5c[${index}] is not signed by x5c[${index + 1}]`);
  }
  const leaf = certificates[0]!;
  const algorithm = leaf.publicKey.algorithm as { name: string; namedCurve?: string };
  if (algorithm.name !== 'ECDSA' || algorithm.namedCurve !== 'P-256')
    throw new TypeError('the x5c leaf key is not a P-256 key');
  return {
    leaf,
    leafKey: await leaf.publicKey.export(P256_SIGNING, ['verify']),
    rootFingerprint: fingerprintOfDer(certificates.at(-1)!.rawData),
  };
}

export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

function generateSigningKeys(): Promise<KeyPair> {
  return crypto.subtle.generateKey(P256_SIGNING, true, ['sign', 'verify']) as Promise<KeyPair>;
}

function distinguishedName(name: string): string {
  if (!name.trim()) throw new TypeError('a certificate name must not be empty');
  return `CN=${name.replace(/([,+"\\<>;=])/g, '\\$1')}`;
}

function derBase64(certificate: x509.X509Certificate): string {
  return Buffer.from(certificate.rawData).toString('base64');
}

function fingerprintOfDer(der: ArrayBuffer): string {
  return createHash('sha256').update(Buffer.from(der)).digest('hex');
}
