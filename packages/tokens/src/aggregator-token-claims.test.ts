import { describe, expect, it } from '@jest/globals';
import {
  aggregatorAccessTokenClaimsSchema,
  operatorRoutingClaims,
  toAccessGrant,
} from './aggregator-token-claims.js';

const routing = {
  operatorId: 'sandbox-a',
  apiRoot: 'http://sandbox-a.test',
  operatorAccessToken: 'operator-token-value',
};
// What oidc-provider sets itself (RFC 7519 §4.1, RFC 9068 §2.2).
const registered = {
  iss: 'https://switchboard.example',
  aud: 'https://switchboard.example/camara',
  iat: 1_800_000_000,
  exp: 1_800_000_300,
  jti: 'jti-1',
  client_id: 'client-1234',
  scope: 'dpv:FraudPreventionAndDetection  number-verification:verify',
  sub: 'pairwise-sub',
};

describe('AggregatorAccessToken claims codec', () => {
  it('reads back what the minting side wrote', () => {
    const claims = aggregatorAccessTokenClaimsSchema.parse({
      ...registered,
      ...operatorRoutingClaims(routing),
    });
    expect(toAccessGrant(claims)).toEqual({
      ...routing,
      clientId: 'client-1234',
      scope: ['dpv:FraudPreventionAndDetection', 'number-verification:verify'],
      jti: 'jti-1',
      exp: 1_800_000_300,
    });
  });

  it('refuses a claim set without the routing, or with an empty claim', () => {
    expect(aggregatorAccessTokenClaimsSchema.safeParse(registered).success).toBe(false);
    const empty = { ...registered, ...operatorRoutingClaims({ ...routing, apiRoot: '' }) };
    expect(aggregatorAccessTokenClaimsSchema.safeParse(empty).success).toBe(false);
  });
});
