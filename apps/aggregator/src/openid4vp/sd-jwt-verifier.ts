import {
  createPublicKey,
  verify as verifySignature,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { decodeProtectedHeader, type JWK, type JWTPayload } from 'jose';

// The operator token of the CAMARA NV "Operator Token Acquisition" guide (camaraproject/
// NumberVerification, documentation/SupportingDocuments/…, Step 3 "Operator Token (SD-JWT)
// structure — reference" and §5.1 steps 1–3): `<Issuer JWT>~<Binding JWT>`.

/** A check of the SD-JWT failed; the message names it (an `invalid_grant` description). */
export class SdJwtError extends Error {
  override readonly name = 'SdJwtError';
}

export interface VerifiedSdJwt {
  readonly issuerJwt: string;
  readonly issuer: JWTPayload & { vct?: unknown };
  /** The Binding JWT's claims (aud, nonce, encrypted_credential, sd_hash, carrier_hint…). */
  readonly binding: JWTPayload & Record<string, unknown>;
}

const COMPACT_JWS = '[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+';
const SD_JWT = new RegExp(`^(${COMPACT_JWS})~(${COMPACT_JWS})$`);
/** Binding JWT `iat`: at most this old (seconds), and at most CLOCK_SKEW ahead. */
export const BINDING_MAX_AGE = 300;
const CLOCK_SKEW = 5;
const MAX_CHAIN = 5;
/** OpenSSL's name of P-256 (secp256r1), the curve of ES256. */
const P256 = 'prime256v1';

const fail = (message: string): never => {
  throw new SdJwtError(message);
};

/**
 * §5.1 steps 1–3 (checks 1–3 of docs/operator-token.md): the two parts; the Issuer JWT's x5c
 * chain to a Telephony trust anchor, its signature, `iss`, `exp` and `cnf`; the Binding JWT's
 * signature with `cnf.jwk` and its `iat`. Pure: no database, no network. Everything runs on
 * node:crypto (OpenSSL) synchronously: X.509 parsing and chain signatures with
 * `X509Certificate`, ES256 with `crypto.verify` on KeyObjects, no WebCrypto key imports.
 */
export async function verifySdJwt(
  sdJwt: string,
  anchors: readonly X509Certificate[],
  now: Date,
): Promise<VerifiedSdJwt> {
  const parts = SD_JWT.exec(sdJwt);
  if (!parts)
    fail('the SD-JWT must be two compact JWS joined by exactly one ~ (<Issuer JWT>~<Binding JWT>)');
  const [, issuerJwt, bindingJwt] = parts as unknown as [string, string, string];
  const issuer = verifyIssuerJwt(issuerJwt, anchors, now);
  const cnfKey = cnfKeyOf(issuer);
  const binding = verifyJws(
    bindingJwt,
    headerOf(bindingJwt, 'Binding JWT'),
    cnfKey,
    'kb+jwt',
    'Binding JWT',
    now,
    'the cnf key',
  );
  const iat = binding.iat;
  const seconds = Math.floor(now.getTime() / 1000);
  if (typeof iat !== 'number' || iat > seconds + CLOCK_SKEW || iat < seconds - BINDING_MAX_AGE)
    fail(`the Binding JWT iat must be within ${BINDING_MAX_AGE} s of now`);
  return { issuerJwt, issuer, binding };
}

function verifyIssuerJwt(jwt: string, anchors: readonly X509Certificate[], now: Date): JWTPayload {
  const header = headerOf(jwt, 'Issuer JWT');
  if (header.typ !== 'dc-authorization+sd-jwt')
    fail('the Issuer JWT typ must be dc-authorization+sd-jwt');
  if (header.alg !== 'ES256') fail('the Issuer JWT alg must be ES256');
  const chain = parseChain(header.x5c);
  checkChain(chain, anchors, now);
  const leafKey = leafKeyOf(chain[0]!.cert);
  const payload = verifyJws(
    jwt,
    header,
    leafKey,
    'dc-authorization+sd-jwt',
    'Issuer JWT',
    now,
    'its x5c leaf key',
  );
  if (payload.iss !== 'Telephony') fail('the Issuer JWT iss must be Telephony');
  if (typeof payload.exp !== 'number') fail('the Issuer JWT needs an exp claim');
  return payload;
}

type Header = ReturnType<typeof decodeProtectedHeader>;

function headerOf(jwt: string, what: string): Header {
  try {
    return decodeProtectedHeader(jwt);
  } catch {
    return fail(`the ${what} header is not a JSON object`);
  }
}

/** A parsed x5c entry: its validity as instants (OpenSSL gives `validFrom`/`validTo` as text). */
interface ChainCertificate {
  readonly cert: X509Certificate;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

function parseChain(x5c: unknown): ChainCertificate[] {
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > MAX_CHAIN)
    fail(`the Issuer JWT x5c must be 1 to ${MAX_CHAIN} certificates`);
  return (x5c as unknown[]).map((der, i) => {
    if (typeof der !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(der))
      fail(`the Issuer JWT x5c[${i}] is not base64 DER`);
    const known = parsedCertificates.get(der as string);
    if (known) return known;
    try {
      const parsed = chainCertificate(new X509Certificate(Buffer.from(der as string, 'base64')));
      remember(parsedCertificates, der as string, parsed);
      return parsed;
    } catch {
      return fail(`the Issuer JWT x5c[${i}] is not an X.509 certificate`);
    }
  });
}

/**
 * Telephony's certificates recur across presentations: each x5c entry is parsed once (a pure
 * function of its bytes; every check still runs on each request), and a signature that
 * verified is remembered by the two certificates' DER (also a fact about bytes). Bounded.
 */
const CACHE_ENTRIES = 256;
const parsedCertificates = new Map<string, ChainCertificate>();
const verifiedSignatures = new Map<string, true>();
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
}

/** Throws when OpenSSL parsed the DER but its dates are not dates. */
function chainCertificate(cert: X509Certificate): ChainCertificate {
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime()))
    throw new Error('certificate validity is not a date');
  return { cert, notBefore, notAfter };
}

const validAt = (c: ChainCertificate, now: Date) => c.notBefore <= now && c.notAfter >= now;

/** Anchors parsed once per anchor list (they are configured at start). */
const anchorCache = new WeakMap<readonly X509Certificate[], ChainCertificate[]>();
function parsedAnchors(anchors: readonly X509Certificate[]): ChainCertificate[] {
  let parsed = anchorCache.get(anchors);
  if (!parsed) {
    parsed = anchors.flatMap((a) => {
      try {
        return [chainCertificate(a)];
      } catch {
        return [];
      }
    });
    anchorCache.set(anchors, parsed);
  }
  return parsed;
}

/**
 * Each certificate is valid now and signed by the next, which is a CA certificate; the last is
 * an anchor, or is signed by an anchor (a CA certificate valid now).
 */
function checkChain(
  chain: readonly ChainCertificate[],
  anchors: readonly X509Certificate[],
  now: Date,
): void {
  for (const [i, c] of chain.entries()) {
    if (!validAt(c, now))
      fail(
        `the Issuer JWT x5c[${i}] certificate is not valid now (${c.notBefore.toISOString()} to ${c.notAfter.toISOString()})`,
      );
    const next = chain[i + 1];
    if (!next) continue;
    if (!next.cert.ca) fail(`the Issuer JWT x5c[${i + 1}] certificate is not a CA certificate`);
    if (!signedBy(c.cert, next.cert))
      fail(`the Issuer JWT x5c[${i}] certificate is not signed by x5c[${i + 1}]`);
  }
  const last = chain.at(-1)!.cert;
  for (const anchor of parsedAnchors(anchors)) {
    if (anchor.cert.raw.equals(last.raw)) return;
    if (anchor.cert.ca && validAt(anchor, now) && signedBy(last, anchor.cert)) return;
  }
  fail('the Issuer JWT x5c chain does not end at a configured Telephony trust anchor');
}

/** `issuer` names `cert`'s issuer and its key verifies `cert`'s signature. */
function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  const key = `${cert.fingerprint256}>${issuer.fingerprint256}`;
  if (verifiedSignatures.has(key)) return true;
  let signed: boolean;
  try {
    signed = cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    signed = false;
  }
  if (signed) remember(verifiedSignatures, key, true);
  return signed;
}

function leafKeyOf(leaf: X509Certificate): KeyObject {
  let key: KeyObject | undefined;
  try {
    key = leaf.publicKey;
  } catch {
    key = undefined;
  }
  if (!key || !isP256(key)) fail('the Issuer JWT x5c[0] key must be a P-256 key (ES256)');
  return key!;
}

const isP256 = (key: KeyObject) =>
  key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === P256;

function cnfKeyOf(issuer: JWTPayload): KeyObject {
  const jwk = (issuer.cnf as { jwk?: JWK } | undefined)?.jwk;
  if (!jwk || typeof jwk !== 'object' || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || 'd' in jwk)
    fail('the Issuer JWT cnf must be { jwk } with a P-256 public key');
  try {
    const { kty, crv, x, y } = jwk!;
    const key = createPublicKey({ key: { kty, crv, x, y }, format: 'jwk' });
    if (isP256(key)) return key;
  } catch {
    // refused below
  }
  return fail('the Issuer JWT cnf jwk is not a valid P-256 public key');
}

/** RFC 7519 §5.1 `typ`, compared as jose does: case-insensitive, `application/` optional. */
const normalizeTyp = (typ: unknown) =>
  typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined;

/**
 * A compact ES256 JWS (RFC 7515) verified with `key`, then its claims (RFC 7519): `typ`, and
 * `exp`, `nbf`, `iat` when present, with CLOCK_SKEW seconds of tolerance.
 */
function verifyJws(
  jwt: string,
  header: Header,
  key: KeyObject,
  typ: string,
  what: string,
  now: Date,
  keyName: string,
): JWTPayload & Record<string, unknown> {
  if (header.alg !== 'ES256') fail(`the ${what} alg must be ES256`);
  if (header.crit !== undefined || header.b64 !== undefined)
    fail(`the ${what} is not a valid signed JWT`);
  const [encodedHeader, encodedPayload, encodedSignature] = jwt.split('.') as [
    string,
    string,
    string,
  ];
  const signature = Buffer.from(encodedSignature, 'base64url');
  const signed =
    signature.length === 64 &&
    verifySignature(
      'sha256',
      Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii'),
      { key, dsaEncoding: 'ieee-p1363' },
      signature,
    );
  if (!signed) fail(`the ${what} signature does not verify with ${keyName}`);
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8'));
  } catch {
    payload = undefined;
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload))
    fail(`the ${what} is not a valid signed JWT`);
  const claims = payload as JWTPayload & Record<string, unknown>;
  if (normalizeTyp(header.typ) !== normalizeTyp(typ)) fail(`the ${what} typ must be ${typ}`);
  const seconds = Math.floor(now.getTime() / 1000);
  for (const claim of ['exp', 'nbf', 'iat'] as const)
    if (claims[claim] !== undefined && typeof claims[claim] !== 'number')
      fail(`the ${what} ${claim} claim is invalid`);
  if (claims.nbf !== undefined && claims.nbf > seconds + CLOCK_SKEW)
    fail(`the ${what} nbf claim is invalid`);
  if (claims.exp !== undefined && claims.exp <= seconds - CLOCK_SKEW)
    fail(`the ${what} has expired`);
  return claims;
}
