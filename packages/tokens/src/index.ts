export {
  createSecretBox,
  masterKeyId,
  SecretBoxError,
  type SecretBox,
  type SecretBoxOptions,
} from './secret-box.js';
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
  readAggregatorAccessToken,
  type AccessTokenProblem,
  type ReadOptions,
} from './aggregator-access-token.js';
export {
  aggregatorAccessTokenClaimsSchema,
  operatorRoutingClaims,
  toAccessGrant,
  type AccessGrant,
  type AggregatorAccessTokenClaims,
  type OperatorRouting,
} from './aggregator-token-claims.js';
export { isCanonicalBase64url, isCanonicalCompactJwe } from './canonical-base64url.js';
export { mintAggregatorAccessToken, type MintRequest } from './mint-aggregator-access-token.js';
