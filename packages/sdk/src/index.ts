export {
  createSwitchboardClient,
  type ApiCallOptions,
  type SavedVerification,
  type StartedVerification,
  type StartVerificationOptions,
  type SwitchboardClient,
  type SwitchboardClientOptions,
  type VerificationSession,
} from './switchboard-client.js';
export {
  AbortedError,
  AccessDeniedError,
  AuthorizationExpiredError,
  CamaraApiError,
  CarrierNotSupportedError,
  ConsentDeniedError,
  ConsentRequiredError,
  NetworkNotIdentifiedError,
  OAuthError,
  ServiceNotApplicableError,
  SwitchboardError,
  TimeoutError,
} from './errors.js';
export { oauthError } from './map-error.js';
export { buildScope, normalisePurpose, type NumberVerificationOperation } from './scope.js';
export { hashPhoneNumber, isE164, normalisePhoneNumber } from './phone-number.js';
export type { PrivateKeyInput } from './client-auth.js';
export {
  API_SCOPES,
  type AntiFraudApis,
  type CallOptions,
  type CircleArea,
  type KycFieldResult,
  type KycMatchFields,
  type KycMatchResult,
  type LocationVerification,
  type LocationVerificationOptions,
  type SimSwapCheckOptions,
  type SimSwapDate,
} from './anti-fraud.js';
export type {
  BackendAuthorization,
  BackendAuthorizeOptions,
  BackendFlows,
  BackendPollResult,
  JwtBearerOptions,
} from './backend-flows.js';
export type { DeviceAddress, Subject } from './login-hint.js';
export type { Clock } from './clock.js';
export type {
  OperatorTokenCredentialOptions,
  OperatorTokenExchangeOptions,
  OperatorTokenFlows,
} from './operator-token.js';
export {
  OPERATOR_TOKEN_VCT,
  extractSdJwt,
  openid4vpRequest,
  type DcqlCredential,
  type OpenId4VpRequest,
} from './openid4vp.js';
