import { describe, expect, it } from '@jest/globals';
import { createTokenKeyring, generateTokenKey } from './token-keyring.js';
import { AccessTokenError, readAggregatorAccessToken } from './aggregator-access-token.js';
import { mintAggregatorAccessToken } from './mint-aggregator-access-token.js';

const issuer = 'https://switchboard.example';
const audience = 'https://switchboard.example/camara';
const routing = {
  operatorId: 'op-a',
  apiRoot: 'https://op-a.example',
  operatorAccessToken: 'opaque-operator-token',
};

describe('mintAggregatorAccessToken', () => {
  const keyring = createTokenKeyring([generateTokenKey()]);
  const mint = (ttl = 120) =>
    mintAggregatorAccessToken({
      keyring,
      issuer,
      audience,
      clientId: 'sb-backend',
      subject: 'pairwise-sub',
      scope: 'dpv:FraudPreventionAndDetection sim-swap:check',
      ttl,
      routing,
    });

  it('mints a token the proxy reads back with the same claims', async () => {
    const { token, claims } = await mint();
    const read = await readAggregatorAccessToken(token, { keyring, issuer, audience });
    expect(read).toEqual(claims);
    expect(read).toMatchObject({
      client_id: 'sb-backend',
      operator_id: 'op-a',
      operator_access_token: 'opaque-operator-token',
      sub: 'pairwise-sub',
    });
    expect(read.exp - read.iat).toBe(120);
  });

  it('gives every token its own jti', async () => {
    const [a, b] = await Promise.all([mint(), mint()]);
    expect(a.claims.jti).not.toBe(b.claims.jti);
  });

  it('is refused under another keyring', async () => {
    const { token } = await mint();
    const other = createTokenKeyring([generateTokenKey()]);
    await expect(
      readAggregatorAccessToken(token, { keyring: other, issuer, audience }),
    ).rejects.toEqual(new AccessTokenError('unknown_kid'));
  });
});
