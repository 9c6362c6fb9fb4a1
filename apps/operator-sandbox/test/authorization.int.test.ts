import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'undici';
import type { RunningSandbox } from '../src/index.js';
import { DeviceBrowser } from '../test-support/device-browser.js';
import {
  FRAUD,
  SWITCHBOARD_CALLBACK,
  TESTER_CALLBACK,
  authorize,
  callNv,
  exchange,
  follow,
  jwtClaims,
  obtainToken,
  startInstance,
  switchboardAtA,
  tokenRequest,
} from '../test-support/sandbox-fixture.js';

const CAMARA_SCOPE = `openid ${FRAUD} number-verification:verify`;
const SHARE_SCOPE = `openid ${FRAUD} number-verification:device-phone-number:read`;
const devices: DeviceBrowser[] = [];
const device = (address: string, headers?: Record<string, string>) => {
  const d = new DeviceBrowser(address, headers);
  devices.push(d);
  return d;
};
afterAll(() => Promise.all(devices.map((d) => d.close())));

const sharedNumber = async (sandbox: RunningSandbox, d: DeviceBrowser) => {
  const tokens = await obtainToken(d, sandbox, switchboardAtA, {
    redirectUri: SWITCHBOARD_CALLBACK,
    scope: SHARE_SCOPE,
  });
  const res = await callNv(sandbox.url, '/number-verification/v2/device-phone-number', {
    token: String(tokens.access_token),
  });
  return res.json?.devicePhoneNumber;
};

describe('authorization server, sandbox-a (CAMARA scope style, client_secret_basic)', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startInstance('sandbox-a', {
      headerEnrichment: { header: 'X-MSISDN', trustedProxies: ['127.30.0.1'] },
    });
  });
  afterAll(() => sandbox.close());

  const run = (
    d: DeviceBrowser,
    scope: string,
    extra?: { prompt?: string; extra?: Record<string, string> },
  ) =>
    authorize(d, sandbox.url, {
      clientId: 'switchboard',
      redirectUri: SWITCHBOARD_CALLBACK,
      scope,
      ...extra,
    });

  it('publishes discovery for its real port: PKCE S256, both client auth methods, request objects', async () => {
    const res = await request(`${sandbox.url}/.well-known/openid-configuration`);
    const meta = (await res.body.json()) as Record<string, unknown>;
    expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`);
    expect(meta.issuer).toBe(sandbox.url);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'private_key_jwt']),
    );
    expect(meta.request_parameter_supported).toBe(true);
    const jwks = (await (await request(String(meta.jwks_uri))).body.json()) as {
      keys: Array<Record<string, unknown>>;
    };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256' })]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('authenticates an identified device by its source address and issues a short-lived, refresh-less token', async () => {
    const outcome = await run(device('127.10.0.5'), CAMARA_SCOPE);
    if (outcome.kind !== 'redirect') throw new Error('expected a redirect');
    expect(outcome.params.get('state')).toBe(outcome.state);
    expect(outcome.params.get('iss')).toBe(sandbox.url);
    const tokens = await exchange(
      sandbox.url,
      switchboardAtA,
      outcome.params.get('code')!,
      SWITCHBOARD_CALLBACK,
      outcome.verifier,
    );
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.expires_in).toBeLessThanOrEqual(300);
    expect(tokens.scope).toBe(`${FRAUD} number-verification:verify`);
    const id = jwtClaims(tokens.id_token);
    expect(id).toMatchObject({ amr: ['nbma'], acr: '2', aud: 'switchboard', iss: sandbox.url });
    expect(String(id.sub)).toMatch(/^sub-/);
    expect(String(id.sub)).not.toContain('346001000005');
    const verified = await callNv(sandbox.url, '/number-verification/v2/verify', {
      token: String(tokens.access_token),
      body: JSON.stringify({ phoneNumber: '+346001000005' }),
    });
    expect(verified.json).toEqual({ devicePhoneNumberVerified: true });
  });

  it('maps the default subscriber table (loopback browser and 127.10.0.0/16)', async () => {
    expect(await sharedNumber(sandbox, device('127.0.0.1'))).toBe('+34600000001');
    expect(await sharedNumber(sandbox, device('127.10.1.2'))).toBe('+346001001002');
    expect(await sharedNumber(sandbox, device('127.10.255.9'))).toBe('+346001255009');
  });

  it('gives a stable pseudonymous sub per subscriber', async () => {
    const subOf = async (address: string) => {
      const t = await obtainToken(device(address), sandbox, switchboardAtA, {
        redirectUri: SWITCHBOARD_CALLBACK,
        scope: CAMARA_SCOPE,
      });
      return jwtClaims(t.id_token).sub;
    };
    const first = await subOf('127.10.3.3');
    expect(await subOf('127.10.3.3')).toBe(first);
    expect(await subOf('127.10.3.4')).not.toBe(first);
  });

  it.each([[undefined], ['none']])(
    'ends the flow with access_denied for an unidentified device (prompt=%s)',
    async (prompt) => {
      const outcome = await run(device('127.99.0.1'), CAMARA_SCOPE, prompt ? { prompt } : {});
      if (outcome.kind !== 'redirect') throw new Error('expected a redirect');
      expect(outcome.params.get('error')).toBe('access_denied');
      expect(outcome.params.get('error_description')).toMatch(
        /not identified on the mobile network/,
      );
      expect(outcome.params.get('code')).toBeNull();
    },
  );

  it('completes silently under prompt=none when the purpose needs no consent', async () => {
    const outcome = await run(device('127.10.0.6'), CAMARA_SCOPE, { prompt: 'none' });
    expect(outcome.kind === 'redirect' && outcome.params.get('code')).toBeTruthy();
  });

  it.each([
    [
      'two purposes',
      `openid ${FRAUD} dpv:IdentityVerification number-verification:verify`,
      /exactly one dpv: purpose/,
    ],
    ['no purpose', 'openid number-verification:verify', /exactly one dpv: purpose/],
    ['an unknown purpose', 'openid dpv:Marketing number-verification:verify', /not offered/],
    ['the dpv-hash style', `openid ${FRAUD}#number-verification-verify-read`, /unsupported scope/],
    ['no API scope', `openid ${FRAUD}`, /no Number Verification scope/],
  ])('rejects %s with invalid_scope', async (_name, scope, description) => {
    const outcome = await run(device('127.10.0.8'), scope);
    if (outcome.kind !== 'redirect') throw new Error('expected a redirect');
    expect(outcome.params.get('error')).toBe('invalid_scope');
    expect(outcome.params.get('error_description')).toMatch(description);
  });

  it('requires PKCE with S256', async () => {
    const d = device('127.10.0.9');
    const base = new URLSearchParams({
      client_id: 'switchboard',
      redirect_uri: SWITCHBOARD_CALLBACK,
      response_type: 'code',
      scope: CAMARA_SCOPE,
      state: 's',
    });
    const missing = await follow(
      d,
      sandbox.url,
      `${sandbox.url}/auth?${base}`,
      SWITCHBOARD_CALLBACK,
      '',
    );
    expect(missing.kind === 'redirect' && missing.params.get('error')).toBe('invalid_request');
    base.set('code_challenge', 'x'.repeat(43));
    base.set('code_challenge_method', 'plain');
    const plain = await follow(
      d,
      sandbox.url,
      `${sandbox.url}/auth?${base}`,
      SWITCHBOARD_CALLBACK,
      '',
    );
    expect(plain.kind === 'redirect' && plain.params.get('error')).toBe('invalid_request');
  });

  it('honours the header-enrichment header only from a trusted proxy', async () => {
    const header = { 'X-MSISDN': '+34699999999' };
    expect(await sharedNumber(sandbox, device('127.30.0.1', header))).toBe('+34699999999');
    expect(await sharedNumber(sandbox, device('127.10.0.7', header))).toBe('+346001000007');
    const outcome = await run(device('127.99.0.2', header), CAMARA_SCOPE);
    expect(outcome.kind === 'redirect' && outcome.params.get('error')).toBe('access_denied');
  });

  it('rejects a wrong client secret and a reused code', async () => {
    const outcome = await run(device('127.10.0.10'), CAMARA_SCOPE);
    if (outcome.kind !== 'redirect') throw new Error('expected a redirect');
    const params = {
      grant_type: 'authorization_code',
      code: outcome.params.get('code')!,
      redirect_uri: SWITCHBOARD_CALLBACK,
      code_verifier: outcome.verifier,
    };
    const wrong = await tokenRequest(
      sandbox.url,
      { method: 'basic', clientId: 'switchboard', secret: 'not-the-secret-at-all' },
      params,
    );
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe('invalid_client');
    expect((await tokenRequest(sandbox.url, switchboardAtA, params)).status).toBe(200);
    const reused = await tokenRequest(sandbox.url, switchboardAtA, params);
    expect(reused.json.error).toBe('invalid_grant');
  });

  it('registers the second test client with its own redirect URI', async () => {
    const outcome = await authorize(device('127.10.0.11'), sandbox.url, {
      clientId: 'sandbox-tester',
      redirectUri: TESTER_CALLBACK,
      scope: CAMARA_SCOPE,
    });
    expect(outcome.kind === 'redirect' && outcome.params.get('code')).toBeTruthy();
  });
});
