import { z } from 'zod';

const text = z.string().min(1);

/**
 * The AggregatorAccessToken's JWT claims (seed Annex step 19), declared once for the side that
 * mints them (the aggregator's token endpoint: oidc-provider sets the registered claims, RFC 7519
 * §4.1, and `client_id`, `scope` of RFC 9068 §2.2; `operatorRoutingClaims` adds ours) and the
 * side that reads them (`readAggregatorAccessToken`, then the proxy through `toAccessGrant`).
 * `operator_id`, `api_root` and `operator_access_token` are private claims (RFC 7519 §4.3):
 * the OperatorAccessToken and where to use it (Annex steps 25–26).
 */
export const aggregatorAccessTokenClaimsSchema = z.object({
  iss: text,
  aud: text,
  exp: z.number(),
  iat: z.number(),
  jti: text,
  client_id: text,
  scope: text,
  /** The pairwise subject of the app's ID token. */
  sub: text,
  operator_id: text,
  api_root: text,
  operator_access_token: text,
  /**
   * The verification this token ends (issue 17): proxied calls join its trace and its record
   * in `verification_steps`. Absent from tokens minted before it existed.
   */
  vid: text.optional(),
});

export type AggregatorAccessTokenClaims = Readonly<
  z.output<typeof aggregatorAccessTokenClaimsSchema>
>;

/** The operator leg's result a token carries: the operator's token and where it is valid. */
export interface OperatorRouting {
  readonly operatorId: string;
  readonly apiRoot: string;
  readonly operatorAccessToken: string;
}

type RoutingClaims = Pick<
  AggregatorAccessTokenClaims,
  'operator_id' | 'api_root' | 'operator_access_token'
>;

/** Minting: the private claims of a token for this operator grant. */
export function operatorRoutingClaims(routing: OperatorRouting): RoutingClaims {
  return {
    operator_id: routing.operatorId,
    api_root: routing.apiRoot,
    operator_access_token: routing.operatorAccessToken,
  };
}

/** What a verified token lets the proxy do (Annex step 25, docs/flow.md), in Switchboard's names. */
export interface AccessGrant extends OperatorRouting {
  readonly clientId: string;
  /** The `scope` claim's values (RFC 9068 §2.2.3: space-separated). */
  readonly scope: readonly string[];
  readonly jti: string;
  /** Seconds since the epoch (RFC 7519 §4.1.4). */
  readonly exp: number;
  /** The `vid` claim: the verification the token came from, when it says. */
  readonly verificationId?: string | undefined;
}

/** Reading: a validated claim set as the grant the proxy acts on. */
export function toAccessGrant(claims: AggregatorAccessTokenClaims): AccessGrant {
  return {
    operatorAccessToken: claims.operator_access_token,
    operatorId: claims.operator_id,
    apiRoot: claims.api_root,
    scope: claims.scope.split(' ').filter(Boolean),
    clientId: claims.client_id,
    jti: claims.jti,
    exp: claims.exp,
    verificationId: claims.vid,
  };
}
