import { decodeJwt } from 'jose';
import { SwitchboardError } from './errors.js';

// The Application's side of OpenID4VP in the CAMARA NV "Operator Token Acquisition" guide
// (camaraproject/NumberVerification, documentation/SupportingDocuments): the DCQL credential
// the aggregator returns (Step 1.3), the request the app's backend wraps around it (Step 1.4
// "Constructing the OpenID4VP request") and the SD-JWT it reads from the answer (Step 2
// "OpenID4VP response shape"). The SD-JWT itself is opaque to the app (guide Step 3).

/** The DCQL credential object of `POST /openid4vp/credentials` (guide Step 1.3). */
export interface DcqlCredential {
  /** Aggregator-chosen; names the SD-JWT in the wallet's `vp_token`. */
  readonly id: string;
  readonly format: 'dc-authorization+sd-jwt';
  readonly meta: {
    /** Google's TS.43 credential type, e.g. `number-verification/device-phone-number/ts43`. */
    readonly vct_values: readonly string[];
    /** The aggregator's signed authorisation, ephemeral key and consent text (guide Appendix B). */
    readonly credential_authorization_jwt: string;
  };
}

/** The OpenID4VP request for the Digital Credentials API (guide Step 1.4). */
export interface OpenId4VpRequest {
  readonly response_type: 'vp_token';
  readonly response_mode: 'dc_api';
  readonly nonce: string;
  readonly dcql_query: { readonly credentials: readonly [DcqlCredential] };
}

/** The NV scopes an operator token is offered for, and the credential type each maps to. */
export const OPERATOR_TOKEN_VCT = {
  'number-verification:device-phone-number:read': 'number-verification/device-phone-number/ts43',
  'number-verification:verify': 'number-verification/verify/ts43',
} as const;

const NONCE = /^[A-Za-z0-9._~-]{16,256}$/;
const PURPOSE = /^dpv:[A-Za-z][A-Za-z0-9]*$/;
const JWS = '[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+';
/** `<Issuer JWT>~<Binding JWT>`: one `~`, none trailing (guide "Operator Token (SD-JWT) structure"). */
const SD_JWT = new RegExp(`^${JWS}~${JWS}$`);

export const invalidArgument = (message: string) =>
  new SwitchboardError('INVALID_ARGUMENT', message);

/** The app's single-use nonce: 16–256 characters of `A-Z a-z 0-9 . _ ~ -`. */
export function checkNonce(nonce: unknown): string {
  if (typeof nonce !== 'string' || !NONCE.test(nonce))
    throw invalidArgument(
      'nonce must be 16 to 256 characters of A-Z a-z 0-9 . _ ~ - (e.g. 32 random bytes, base64url)',
    );
  return nonce;
}

/**
 * `[openid] dpv:<Purpose> <one NV scope>`: the CAMARA scope of the operator-token request
 * (guide Step 1.2), exactly one purpose (ICM) and exactly one of the two NV scopes that have a
 * credential type (guide Step 1.4 "Currently defined vct_values").
 */
export function checkOperatorTokenScope(scope: unknown): string {
  const words = typeof scope === 'string' ? scope.split(' ') : [];
  const purposes = words.filter((w) => w.startsWith('dpv:'));
  const nv = words.filter((w) => Object.hasOwn(OPERATOR_TOKEN_VCT, w));
  const others = words.filter((w) => w !== 'openid' && !purposes.includes(w) && !nv.includes(w));
  if (
    words.length === 0 ||
    purposes.length !== 1 ||
    !PURPOSE.test(purposes[0]!) ||
    nv.length !== 1 ||
    others.length > 0 ||
    new Set(words).size !== words.length
  )
    throw invalidArgument(
      `scope must be one dpv: purpose and one of ${Object.keys(OPERATOR_TOKEN_VCT).join(', ')} (optionally openid), separated by single spaces, e.g. "dpv:FraudPreventionAndDetection number-verification:verify"`,
    );
  return scope as string;
}

/** An Operator Token as Android returns it: two compact JWS joined by one `~`. */
export function checkSdJwt(sdJwt: unknown, name = 'sdJwt'): string {
  if (typeof sdJwt !== 'string' || !SD_JWT.test(sdJwt))
    throw invalidArgument(
      `${name} must be the SD-JWT exactly as the wallet returned it: <Issuer JWT>~<Binding JWT> (no vp_token: prefix, no trailing ~)`,
    );
  return sdJwt;
}

/** The DCQL credential object, checked field by field (an aggregator's answer or an app's input). */
export function checkCredential(value: unknown, name = 'credential'): DcqlCredential {
  const c = value as Partial<DcqlCredential> | null;
  const meta = c?.meta as Partial<DcqlCredential['meta']> | undefined;
  const problem =
    typeof c?.id !== 'string' || c.id === ''
      ? 'no id'
      : c.format !== 'dc-authorization+sd-jwt'
        ? 'format is not dc-authorization+sd-jwt'
        : !Array.isArray(meta?.vct_values) ||
            meta.vct_values.length === 0 ||
            !meta.vct_values.every((v) => typeof v === 'string')
          ? 'no meta.vct_values'
          : typeof meta.credential_authorization_jwt !== 'string' ||
              meta.credential_authorization_jwt === ''
            ? 'no meta.credential_authorization_jwt'
            : undefined;
  if (problem) throw invalidArgument(`${name} is not a DCQL credential object: ${problem}`);
  return c as DcqlCredential;
}

/**
 * The OpenID4VP request the app's frontend hands to the Digital Credentials API (guide Step 1.4
 * "Constructing the OpenID4VP request"): the aggregator's credential and the same `nonce` the
 * credential was requested with. A nonce other than the one signed into the credential's
 * `credential_authorization_jwt` is refused here, not after the user's consent.
 */
export function openid4vpRequest(credential: DcqlCredential, nonce: string): OpenId4VpRequest {
  checkCredential(credential);
  checkNonce(nonce);
  let signed: unknown;
  try {
    signed = decodeJwt(credential.meta.credential_authorization_jwt).nonce;
  } catch {
    throw invalidArgument('credential.meta.credential_authorization_jwt is not a JWT');
  }
  if (signed !== nonce)
    throw invalidArgument(
      'nonce is not the one the credential was requested with (its credential_authorization_jwt names another)',
    );
  return {
    response_type: 'vp_token',
    response_mode: 'dc_api',
    nonce,
    dcql_query: { credentials: [credential] },
  };
}

/**
 * The SD-JWT from the Digital Credentials API's answer: `data.vp_token[credentialId][0]` (guide
 * Step 2 "OpenID4VP response shape"). Takes the answer as an object (the web's
 * `DigitalCredential`, or its JSON parsed) or as the JSON text Android's
 * `DigitalCredential.credentialJson` holds.
 */
export function extractSdJwt(dcResponse: unknown, credentialId: string): string {
  if (typeof credentialId !== 'string' || credentialId === '')
    throw invalidArgument('credentialId is required: the id of the credential (credential.id)');
  let response = dcResponse;
  if (typeof response === 'string') {
    try {
      response = JSON.parse(response) as unknown;
    } catch {
      throw invalidArgument('the Digital Credentials response is not JSON');
    }
  }
  const data = (response as { data?: unknown } | null)?.data;
  const vpToken = (data as { vp_token?: unknown } | null | undefined)?.vp_token;
  const entry =
    typeof vpToken === 'object' && vpToken !== null && Object.hasOwn(vpToken, credentialId)
      ? (vpToken as Record<string, unknown>)[credentialId]
      : undefined;
  const sdJwt: unknown = Array.isArray(entry) ? entry[0] : undefined;
  if (sdJwt === undefined)
    throw invalidArgument(
      `the Digital Credentials response has no data.vp_token[${JSON.stringify(credentialId)}][0]`,
    );
  return checkSdJwt(sdJwt, `data.vp_token[${JSON.stringify(credentialId)}][0]`);
}
