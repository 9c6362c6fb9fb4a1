import { importPKCS8, type CryptoKey } from 'jose';
import { z } from 'zod';
import {
  createCertificateChain,
  privateKeyPem,
  rootFingerprintOf,
  verifyCertificateChain,
} from './certificates.js';
import { HandsetError } from './handset-error.js';

/**
 * The simulated "Android Telephony" issuer: it signs the Issuer JWT of every SD-JWT the handset
 * builds, with `x5c` in the header (guide "Operator Token (SD-JWT) structure — reference"). The
 * aggregator trusts `rootPem` (OPENID4VP_TELEPHONY_TRUST_ANCHORS).
 */
export interface TelephonyPki {
  /** The trust anchor the aggregator is configured with. */
  readonly rootPem: string;
  /** SHA-256 of the root DER, lowercase hex. */
  readonly rootFingerprint: string;
  /** P-256 private key of the leaf. */
  readonly issuerKey: CryptoKey;
  /** `[leaf, root]`, standard base64 (not base64url) DER. */
  readonly x5c: string[];
}

/** What `telephonyPkiToJson` writes (the demo keeps it in `.data/`): the leaf key as PKCS8 PEM. */
export interface TelephonyPkiJson {
  readonly rootPem: string;
  readonly x5c: string[];
  readonly issuerKeyPem: string;
}

export async function createTelephonyPki(
  name = 'Simulated Android Telephony',
): Promise<TelephonyPki> {
  const chain = await createCertificateChain({
    rootName: `${name} Root`,
    leafName: `${name} Issuer`,
  });
  return {
    rootPem: chain.rootPem,
    rootFingerprint: chain.rootFingerprint,
    issuerKey: chain.leafKey,
    x5c: [...chain.x5c],
  };
}

export async function telephonyPkiToJson(pki: TelephonyPki): Promise<TelephonyPkiJson> {
  return {
    rootPem: pki.rootPem,
    x5c: [...pki.x5c],
    issuerKeyPem: await privateKeyPem(pki.issuerKey),
  };
}

const pkiJson = z.strictObject({
  rootPem: z.string().min(1),
  x5c: z.array(z.string().min(1)).min(2),
  issuerKeyPem: z.string().min(1),
});

/**
 * Reads what `telephonyPkiToJson` wrote, checking that the chain verifies today, ends in
 * `rootPem`, and that the key is the leaf's. Throws HandsetError `invalid_options` naming the problem.
 */
export async function telephonyPkiFromJson(raw: unknown): Promise<TelephonyPki> {
  const parsed = pkiJson.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new HandsetError('invalid_options', `telephony PKI: ${details.join('; ')}`);
  }
  const { rootPem, x5c, issuerKeyPem } = parsed.data;
  try {
    const chain = await verifyCertificateChain(x5c, new Date());
    const rootFingerprint = rootFingerprintOf(rootPem);
    if (chain.rootFingerprint !== rootFingerprint)
      throw new TypeError('the last x5c certificate is not rootPem');
    const issuerKey = await importPKCS8(issuerKeyPem, 'ES256', { extractable: true });
    if (!(await keysMatch(issuerKey, chain.leafKey)))
      throw new TypeError("issuerKeyPem is not the leaf certificate's key");
    return { rootPem, rootFingerprint, issuerKey, x5c };
  } catch (err) {
    if (err instanceof HandsetError) throw err;
    throw new HandsetError('invalid_options', `telephony PKI: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

async function keysMatch(privateKey: CryptoKey, publicKey: CryptoKey): Promise<boolean> {
  const probe = new TextEncoder().encode('telephony-pki-probe');
  const algorithm = { name: 'ECDSA', hash: 'SHA-256' };
  const signature = await crypto.subtle.sign(algorithm, privateKey, probe);
  return crypto.subtle.verify(algorithm, publicKey, signature, probe);
}
