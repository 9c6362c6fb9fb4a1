export {
  CAMARA_ERRORS,
  CamaraError,
  ERROR_CODE_MAX_LENGTH,
  ERROR_MESSAGE_MAX_LENGTH,
  boundedBody,
  boundedText,
  camaraError,
  defaultMessage,
  isCamaraError,
  toCamaraBody,
  type CamaraErrorBody,
  type CamaraErrorCode,
  type CamaraErrorOptions,
} from './camara-error.js';
export {
  X_CORRELATOR_HEADER,
  X_CORRELATOR_PATTERN,
  newCorrelator,
  validateCorrelator,
} from './x-correlator.js';
export {
  HASHED_PHONE_NUMBER_PATTERN,
  PHONE_NUMBER_PATTERN,
  PHONE_NUMBER_PATTERN_V0,
  hashPhoneNumber,
  isE164,
  isHashedPhoneNumber,
  isPhoneNumber,
  matchesDevicePhoneNumber,
  toE164,
  type VerifyRequest,
} from './phone-number.js';
export { parseVerifyRequest } from './verify-request.js';
export { randomUuid } from './random-uuid.js';
export {
  ALL_NV_SCOPES,
  NV_API_VERSIONS,
  NV_BASE_PATHS,
  NV_OPERATIONS,
  NV_SCOPES,
  operationForScope,
  requiredScope,
  type NvApiVersion,
  type NvOperation,
} from './scopes.js';
export {
  DPV_PURPOSE_PATTERN,
  SCOPE_STYLES,
  formatPurposeScope,
  grantedOperations,
  parsePurposeScope,
  scopeValuesFor,
  type ParsedPurposeScope,
  type ScopeStyle,
} from './purpose-scope.js';
export {
  API_SCOPES,
  API_SCOPE_NAMES,
  CAMARA_APIS,
  camaraStyleScope,
  DEFAULT_OFFERED_APIS,
  hashStyleScope,
  offersApi,
  offersScope,
  type CamaraApi,
  type CamaraOperation,
  type OfferedApi,
} from './camara-apis.js';
export {
  KYC_GENDERS,
  KYC_MATCH_API,
  KYC_MATCH_BASE_PATH,
  KYC_MATCH_FIELDS,
  KYC_MATCH_SCOPE,
  KYC_SCORED_FIELDS,
  isCalendarDate,
  isEmail,
  kycError,
  parseKycMatchRequest,
  type KycMatchField,
  type KycMatchRequest,
} from './apis/kyc-match.js';
export {
  LOCATION_VERIFICATION_API,
  LOCATION_VERIFICATION_HASH_STYLE_SCOPE,
  LOCATION_VERIFICATION_SCOPE,
  LOCATION_VERIFICATION_VERSION,
  parseVerifyLocationRequest,
  type CircleArea,
  type DeviceIpv4Address,
  type LocationDevice,
  type VerifyLocationRequest,
} from './apis/location-verification.js';
export {
  MAX_AGE,
  SIM_SWAP_API,
  SIM_SWAP_HASH_STYLE_SCOPES,
  SIM_SWAP_OPERATIONS,
  SIM_SWAP_SCOPES,
  parseSimSwapRequest,
  type SimSwapOperation,
  type SimSwapRequest,
} from './apis/sim-swap.js';
