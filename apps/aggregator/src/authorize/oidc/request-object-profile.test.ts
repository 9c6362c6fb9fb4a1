import { describe, expect, it } from '@jest/globals';
import { requestObjectProblem } from './request-object-profile.js';

// CAMARA ICM r4.2, CAMARA-Security-Interoperability.md, "Signed Authentication Requests".
const ISSUER = 'https://switchboard.example';
const NOW = 1_800_000_000;
const PARAMS = {
  client_id: 'sb-app',
  response_type: 'code',
  scope: 'openid dpv:FraudPreventionAndDetection number-verification:verify',
  redirect_uri: 'https://app.example/cb',
};
const good = { ...PARAMS, iss: 'sb-app', aud: ISSUER, iat: NOW, exp: NOW + 60, jti: 'j-1' };
const check = (claims: Record<string, unknown>, query: Record<string, unknown> = PARAMS) =>
  requestObjectProblem(claims, query, { issuer: ISSUER, clientId: 'sb-app', now: NOW });

describe('ICM signed request objects (issue 15, point 2): the rules on the object and its query', () => {
  it('accepts an object that follows every rule', () => {
    expect(check(good)).toBeUndefined();
    expect(check({ ...good, aud: [ISSUER], exp: NOW + 300 })).toBeUndefined();
  });

  it.each([
    ['iss, aud, iat, exp and jti are required', { iat: undefined }, /missing the 'iat' claim/],
    ['iss is the client', { iss: 'sb-other' }, /'iss' must be the client_id/],
    ['aud is the issuer', { aud: `${ISSUER}/auth` }, /'aud' must be the issuer/],
    ['aud is only the issuer', { aud: [ISSUER, 'https://x'] }, /'aud' must be the issuer/],
    ['exp − iat ≤ 300 s', { exp: NOW + 301 }, /at most 300 seconds after 'iat'/],
    ['iat not later than receipt', { iat: NOW + 6, exp: NOW + 66 }, /'iat' is in the future/],
    ['not expired', { iat: NOW - 100, exp: NOW }, /has expired/],
    ['jti is a string', { jti: 7 }, /'jti' must be a string/],
    ['jti at most 256 characters', { jti: 'j'.repeat(257) }, /'jti' must be a string/],
    ['scope in the object', { scope: undefined }, /missing the 'scope' parameter/],
  ])('%s', (_rule, change, description) => {
    const problem = check({ ...good, ...change });
    expect(problem?.description).toMatch(description);
    expect(problem?.redirectUri).toBeFalsy();
  });

  it.each(['scope', 'response_type', 'client_id', 'redirect_uri'])(
    'query %s must be sent, and equal the object',
    (name) => {
      const { [name]: _left, ...without } = PARAMS as Record<string, string>;
      expect(check(good, without)?.description).toMatch(`'${name}' must also be sent`);
      expect(check(good, { ...PARAMS, [name]: 'other' })?.description).toMatch(
        `query parameter '${name}' differs`,
      );
      // ICM Appendix A: a redirect URI in question is never redirected to.
      expect(check(good, without)?.redirectUri).toBe(name === 'redirect_uri');
    },
  );
});
