import type { MachineResource } from '../authorize/oidc/create-oidc-provider.js';

/** The scope an operator's client-credentials token needs for the operator API. */
export const OPERATOR_API_SCOPE = 'operator:manage';

/** Seconds: long enough for a batch of changes, short enough to follow a revoked client. */
export const OPERATOR_API_TOKEN_TTL = 600;

export const OPERATOR_API_PATH = '/operators/v1';

/**
 * The operator API's resource indicator (RFC 8707) and its tokens' `aud`: distinct from the
 * CAMARA and telco-finder audiences, so no other token is accepted here and these nowhere else.
 */
export const operatorApiAudience = (issuer: string) => `${issuer.replace(/\/+$/, '')}/operators`;

/** What the token endpoint issues to an operator's client: it acts for that operator only. */
export const operatorApiResource = (issuer: string, operatorId: string): MachineResource => ({
  audience: operatorApiAudience(issuer),
  scope: OPERATOR_API_SCOPE,
  ttl: OPERATOR_API_TOKEN_TTL,
  // Checked against the client's binding on each call.
  claims: { operator_id: operatorId },
});
