import { describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { SwitchboardError } from './errors.js';
import { createSwitchboardClient } from './switchboard-client.js';

const ISSUER = 'https://switchboard.example';

/** Serves discovery only; any other request fails the test (no network in unit tests). */
const discoveryOnly: typeof fetch = async (input) => {
  const url = String(input);
  if (url !== `${ISSUER}/.well-known/openid-configuration`) throw new Error(`unexpected ${url}`);
  const metadata = {
    issuer: ISSUER,
    authorization_endpoint: `${ISSUER}/authorize`,
    token_endpoint: `${ISSUER}/token`,
    jwks_uri: `${ISSUER}/jwks`,
  };
  return new Response(JSON.stringify(metadata), {
    headers: { 'content-type': 'application/json' },
  });
};

const client = () =>
  createSwitchboardClient({
    issuer: `${ISSUER}/`,
    clientId: 'demo-bank',
    clientSecret: 'secret',
    redirectUri: 'https://bank.example/callback',
    fetch: discoveryOnly,
  });

describe('startVerification', () => {
  it('builds an authorization-code request with PKCE S256, state, nonce and one purpose', async () => {
    const { url, state, saved } = await client().startVerification({
      purpose: 'dpv:FraudPreventionAndDetection',
      prompt: 'none',
    });
    const u = new URL(url);
    expect(`${u.origin}${u.pathname}`).toBe(`${ISSUER}/authorize`);
    expect(Object.fromEntries(u.searchParams)).toMatchObject({
      client_id: 'demo-bank',
      response_type: 'code',
      redirect_uri: 'https://bank.example/callback',
      scope: 'openid dpv:FraudPreventionAndDetection number-verification:verify',
      code_challenge_method: 'S256',
      prompt: 'none',
      state,
      nonce: saved.nonce,
    });
    expect(u.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(u.searchParams.has('login_hint')).toBe(false);
    expect(JSON.parse(JSON.stringify(saved))).toEqual(saved);
    expect(url).not.toContain(saved.codeVerifier);
  });

  it('sends login_hint tel:+… and the device-phone-number scope when asked', async () => {
    const { url } = await client().startVerification({
      purpose: 'IdentityVerification',
      phoneNumber: '+34600000001',
      operations: ['device-phone-number'],
    });
    const params = new URL(url).searchParams;
    expect(params.get('login_hint')).toBe('tel:+34600000001');
    expect(params.get('scope')).toBe(
      'openid dpv:IdentityVerification number-verification:device-phone-number:read',
    );
    expect(params.has('prompt')).toBe(false);
  });

  it('refuses a number that is not E.164', async () => {
    await expect(
      client().startVerification({ purpose: 'dpv:X', phoneNumber: '600 000 001' }),
    ).rejects.toMatchObject({ code: 'INVALID_PHONE_NUMBER' });
  });

  it('refuses missing or double credentials', async () => {
    const base = {
      issuer: ISSUER,
      clientId: 'a',
      redirectUri: 'https://a/cb',
      fetch: discoveryOnly,
    };
    await expect(
      createSwitchboardClient(base).startVerification({ purpose: 'dpv:X' }),
    ).rejects.toThrow('privateKey or clientSecret is required');
    const both = createSwitchboardClient({ ...base, clientSecret: 's', privateKey: 'pem' });
    await expect(both.startVerification({ purpose: 'dpv:X' })).rejects.toThrow('not both');
  });

  it('names allowInsecureRequests when the issuer is plain http:// (OAUTH_HTTP_REQUEST_FORBIDDEN)', async () => {
    const requests: string[] = [];
    const local = createSwitchboardClient({
      issuer: 'http://127.0.0.1:3000',
      clientId: 'demo-bank',
      clientSecret: 'secret',
      redirectUri: 'http://127.0.0.1:3001/callback',
      fetch: async (url) => {
        requests.push(String(url));
        return new Response('{}');
      },
    });
    const err = await local.startVerification({ purpose: 'dpv:X' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchboardError);
    expect(err).toMatchObject({ code: 'OAUTH_HTTP_REQUEST_FORBIDDEN' });
    expect((err as Error).message).toMatch(/pass allowInsecureRequests: true/);
    expect(requests).toEqual([]);
  });

  it('needs redirectUri for the front channel only (a backend client has none)', async () => {
    const backendOnly = createSwitchboardClient({
      issuer: ISSUER,
      clientId: 'fraud-engine',
      clientSecret: 'secret',
      fetch: discoveryOnly,
    });
    await expect(backendOnly.startVerification({ purpose: 'dpv:X' })).rejects.toThrow(
      'redirectUri is required for startVerification and completeVerification',
    );
  });

  it('refuses to complete without saved state', async () => {
    const err = await client()
      .completeVerification('https://bank.example/callback?code=x', undefined as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchboardError);
    expect(err).toMatchObject({ code: 'INVALID_SAVED_STATE' });
  });
});

describe('ICM signed request objects (issue 15, point 2): startVerification({ signedRequest })', () => {
  it('signs the request with the private key: iss, aud, iat, exp, jti, and the four parameters also in the query', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'ES256' };
    const signing = createSwitchboardClient({
      issuer: ISSUER,
      clientId: 'demo-bank',
      privateKey: jwk,
      redirectUri: 'https://bank.example/callback',
      fetch: discoveryOnly,
    });
    const { url, state, saved } = await signing.startVerification({
      purpose: 'dpv:FraudPreventionAndDetection',
      prompt: 'none',
      signedRequest: true,
    });
    const query = Object.fromEntries(new URL(url).searchParams);
    expect(Object.keys(query).sort()).toEqual([
      'client_id',
      'redirect_uri',
      'request',
      'response_type',
      'scope',
    ]);
    const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] });
    const { payload } = await jwtVerify(query.request!, keys, {
      issuer: 'demo-bank',
      audience: ISSUER,
      requiredClaims: ['iat', 'exp', 'jti'],
    });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(300);
    expect(payload).toMatchObject({
      client_id: query.client_id,
      response_type: query.response_type,
      scope: query.scope,
      redirect_uri: query.redirect_uri,
      state,
      nonce: saved.nonce,
      prompt: 'none',
      code_challenge_method: 'S256',
    });
  });

  it('refuses signedRequest without a private key', async () => {
    await expect(
      client().startVerification({ purpose: 'dpv:X', signedRequest: true }),
    ).rejects.toThrow(/privateKey/);
  });
});
