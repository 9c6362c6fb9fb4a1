export { createSecretBox, masterKeyId, SecretBoxError, type SecretBox } from './secret-box.js';
export {
  createTokenKeyring,
  generateTokenKey,
  TokenKeyError,
  type TokenKey,
  type TokenKeyring,
} from './token-keyring.js';
export {
  AccessTokenError,
  aggregatorTokenAudience,
  mintAggregatorAccessToken,
  readAggregatorAccessToken,
  type AccessTokenProblem,
  type AggregatorAccessTokenClaims,
  type ReadOptions,
} from './aggregator-access-token.js';
export { isCanonicalBase64url, isCanonicalCompactJwe } from './canonical-base64url.js';
