export {
  createCertificateChain,
  parseCertificate,
  rootFingerprintOf,
  verifyCertificateChain,
  type CertificateChain,
  type CertificateChainOptions,
  type VerifiedChain,
} from './certificates.js';
export {
  KNOWN_VCT_VALUES,
  verifyCredentialAuthorization,
  type ConsentData,
  type CredentialAuthorization,
  type DcqlCredential,
} from './credential-authorization.js';
export {
  acquireTemporaryToken,
  challengeResponse,
  type EntitlementSubscriber,
  type Fetch,
} from './entitlement-client.js';
export {
  createHandset,
  type Handset,
  type HandsetOptions,
  type HandsetReview,
  type HandsetSim,
} from './handset.js';
export { HandsetError, type HandsetErrorCode } from './handset-error.js';
export { ISSUER_JWT_LIFETIME, sha256 as sha256Base64url, type Tamper } from './sd-jwt.js';
export {
  createTelephonyPki,
  telephonyPkiFromJson,
  telephonyPkiToJson,
  type TelephonyPki,
  type TelephonyPkiJson,
} from './telephony-pki.js';
