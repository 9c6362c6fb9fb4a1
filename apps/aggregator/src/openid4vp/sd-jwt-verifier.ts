import { createPublicKey, type KeyObject } from 'node:crypto';
import type * as x509 from '@peculiar/x509';
import {
  decodeProtectedHeader,
  errors as joseErrors,
  importJWK,
  jwtVerify,
  type JWK,
  type JWTPayload,
} from 'jose';
import { BasicConstraintsExtension, certificateFromDer } from './x509-certificates.js';

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

const fail = (message: string): never => {
  throw new SdJwtError(message);
};

/**
 * §5.1 steps 1–3 (checks 1–3 of docs/operator-token.md): the two parts; the Issuer JWT's x5c
 * chain to a Telephony trust anchor, its signature, `iss`, `exp` and `cnf`; the Binding JWT's
 * signature with `cnf.jwk` and its `iat`. Pure: no database, no network.
 */
export async function verifySdJwt(
  sdJwt: string,
  anchors: readonly x509.X509Certificate[],
  now: Date,
): Promise<VerifiedSdJwt> {
  const parts = SD_JWT.exec(sdJwt);
  if (!parts)
    fail('the SD-JWT must be two compact JWS joined by exactly one ~ (<Issuer JWT>~<Binding JWT>)');
  const [, issuerJwt, bindingJwt] = parts as unknown as [string, string, string];
  const issuer = await verifyIssuerJwt(issuerJwt, anchors, now);
  const cnfKey = await cnfKeyOf(issuer);
  const binding = await verifyJws(bindingJwt, cnfKey, 'kb+jwt', 'Binding JWT', now, 'the cnf key');
  const iat = binding.iat;
  const seconds = Math.floor(now.getTime() / 1000);
  if (typeof iat !== 'number' || iat > seconds + CLOCK_SKEW || iat < seconds - BINDING_MAX_AGE)
    fail(`the Binding JWT iat must be within ${BINDING_MAX_AGE} s of now`);
  return { issuerJwt, issuer, binding };
}

async function verifyIssuerJwt(
  jwt: string,
  anchors: readonly x509.X509Certificate[],
  now: Date,
): Promise<JWTPayload> {
  const header = headerOf(jwt, 'Issuer JWT');
  if (header.typ !== 'dc-authorization+sd-jwt')
    fail('the Issuer JWT typ must be dc-authorization+sd-jwt');
  if (header.alg !== 'ES256') fail('the Issuer JWT alg must be ES256');
  const chain = parseChain(header.x5c);
  await checkChain(chain, anchors, now);
  const leafKey = createPublicKey({
    key: Buffer.from(chain[0]!.publicKey.rawData),
    format: 'der',
    type: 'spki',
  });
  const payload = await verifyJws(
    jwt,
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

function headerOf(jwt: string, what: string) {
  try {
    return decodeProtectedHeader(jwt);
  } catch {
    return fail(`the ${what} header is not a JSON object`);
  }
}

function parseChain(x5c: unknown): x509.X509Certificate[] {
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > MAX_CHAIN)
    fail(`the Issuer JWT x5c must be 1 to ${MAX_CHAIN} certificates`);
  return (x5c as unknown[]).map((der, i) => {
    if (typeof der !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(der))
      fail(`the Issuer JWT x5c[${i}] is not base64 DER`);
    try {
      return certificateFromDer(der as string);
    } catch {
      return fail(`the Issuer JWT x5c[${i}] is not an X.509 certificate`);
    }
  });
}

/** Each certificate is valid now and signed by the next; the last is, or is signed by, an anchor. */
async function checkChain(
  chain: readonly x509.X509Certificate[],
  anchors: readonly x509.X509Certificate[],
  now: Date,
): Promise<void> {
  for (const [i, cert] of chain.entries()) {
    if (cert.notBefore > now || cert.notAfter < now)
      fail(
        `the Issuer JWT x5c[${i}] certificate is not valid now (${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()})`,
      );
    const next = chain[i + 1];
    if (next && !isCa(next))
      fail(`the Issuer JWT x5c[${i + 1}] certificate signs x5c[${i}] but is not a CA certificate`);
    if (next && !(await signedBy(cert, next)))
      fail(`the Issuer JWT x5c[${i}] certificate is not signed by x5c[${i + 1}]`);
  }
  const last = chain.at(-1)!;
  const lastDer = Buffer.from(last.rawData);
  for (const anchor of anchors) {
    if (Buffer.from(anchor.rawData).equals(lastDer)) return;
    if (anchor.notBefore <= now && anchor.notAfter >= now && (await signedBy(last, anchor))) return;
  }
  fail('the Issuer JWT x5c chain does not end at a configured Telephony trust anchor');
}

/** RFC 5280 §4.2.1.9: only a certificate with basicConstraints cA=TRUE may certify others. */
function isCa(cert: x509.X509Certificate): boolean {
  return cert.getExtension(BasicConstraintsExtension)?.ca === true;
}

async function signedBy(
  cert: x509.X509Certificate,
  issuer: x509.X509Certificate,
): Promise<boolean> {
  if (cert.issuer !== issuer.subject) return false;
  try {
    return await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

async function cnfKeyOf(issuer: JWTPayload) {
  const jwk = (issuer.cnf as { jwk?: JWK } | undefined)?.jwk;
  if (!jwk || typeof jwk !== 'object' || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || 'd' in jwk)
    fail('the Issuer JWT cnf must be { jwk } with a P-256 public key');
  try {
    return await importJWK(jwk!, 'ES256');
  } catch {
    return fail('the Issuer JWT cnf jwk is not a valid P-256 public key');
  }
}

async function verifyJws(
  jwt: string,
  key: KeyObject | Awaited<ReturnType<typeof importJWK>>,
  typ: string,
  what: string,
  now: Date,
  keyName: string,
): Promise<JWTPayload & Record<string, unknown>> {
  try {
    const { payload } = await jwtVerify(jwt, key, {
      algorithms: ['ES256'],
      typ,
      currentDate: now,
      clockTolerance: CLOCK_SKEW,
    });
    return payload as JWTPayload & Record<string, unknown>;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) return fail(`the ${what} has expired`);
    if (err instanceof joseErrors.JWSSignatureVerificationFailed)
      return fail(`the ${what} signature does not verify with ${keyName}`);
    if (err instanceof joseErrors.JOSEAlgNotAllowed) return fail(`the ${what} alg must be ES256`);
    if (err instanceof joseErrors.JWTClaimValidationFailed)
      return fail(
        err.claim === 'typ'
          ? `the ${what} typ must be ${typ}`
          : `the ${what} ${err.claim} claim is invalid`,
      );
    return fail(`the ${what} is not a valid signed JWT`);
  }
}
