/** OIDC CIBA Core §10.1 and RFC 7523 §2.1: the grant types of the ICM r4.2 backend flows. */
export const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
