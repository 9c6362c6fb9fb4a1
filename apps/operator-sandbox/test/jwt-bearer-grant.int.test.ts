import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import type { RunningSandbox } from '../src/index.js';
import {
  FRAUD,
  SWITCHBOARD_KEYS,
  bearerAssertion,
  callNv,
  jwtBearer,
  poll,
  startBackchannel,
  startInstance,
  switchboardAtA,
  type AssertionOptions,
} from '../test-support/index.js';

// CAMARA ICM r4.2 "JWT Bearer Flow" (RFC 7523 §2.1) at the sandbox token endpoints, and its
// rows of "Appendix A (Normative): Error Responses": every invalid assertion is invalid_grant.
// Demo data: +346001000007 changed SIM 30 min before start (sandbox-a, legitimate interest);
// +491700000008 12 h before start (sandbox-b, consent needed for FRAUD only).
const SERVICE = 'dpv:RequestedServiceProvision';
let a: RunningSandbox;
let b: RunningSandbox;

beforeAll(async () => {
  [a, b] = await Promise.all([startInstance('sandbox-a'), startInstance('sandbox-b')]);
});
afterAll(() => Promise.all([a?.close(), b?.close()]));

const atA = (o: AssertionOptions = {}) =>
  bearerAssertion(SWITCHBOARD_KEYS['sandbox-a'], {
    sub: 'tel:+346001000007',
    aud: `${a.url}/token`,
    scope: `${FRAUD} sim-swap:check`,
    ...o,
  });

const simSwapCheck = (sandbox: RunningSandbox, token: unknown, maxAge: number) =>
  callNv(sandbox.url, '/sim-swap/v2/check', {
    token: String(token),
    method: 'POST',
    body: JSON.stringify({ maxAge }),
  });

describe('JWT-bearer grant: success', () => {
  it('issues a token for the assertion alone at sandbox-a (camara style); SIM Swap accepts it', async () => {
    const res = await jwtBearer(a.url, await atA());
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 300,
      scope: `${FRAUD} sim-swap:check`,
    });
    expect(await simSwapCheck(a, res.json.access_token, 240)).toMatchObject({
      status: 200,
      json: { swapped: true },
    });
  });

  it('issues a token at sandbox-b (dpv-hash style) for a purpose without consent need', async () => {
    const assertion = await bearerAssertion(SWITCHBOARD_KEYS['sandbox-b'], {
      sub: 'tel:+491700000008',
      aud: `${b.url}/token`,
      scope: `${SERVICE}#check-sim-swap`,
    });
    const res = await jwtBearer(b.url, assertion);
    expect(res.status).toBe(200);
    expect(res.json.scope).toBe(`${SERVICE}#check-sim-swap`);
    expect(res.json.refresh_token).toBeUndefined();
    expect((await simSwapCheck(b, res.json.access_token, 24)).json).toEqual({ swapped: true });
    expect((await simSwapCheck(b, res.json.access_token, 6)).json).toEqual({ swapped: false });
  });
});

describe('backend tokens and Number Verification', () => {
  it('for tel: and ipport: are not network-based authentication: NV verify refuses them (NV needs operatortoken:)', async () => {
    const scope = `${FRAUD} number-verification:verify`;
    const bearer = await jwtBearer(a.url, await atA({ scope }));
    const ciba = await poll(
      a.url,
      switchboardAtA,
      await startBackchannel(a.url, switchboardAtA, 'ipport:127.10.0.7', scope),
    );
    for (const token of [bearer.json.access_token, ciba.json.access_token]) {
      const res = await callNv(a.url, '/number-verification/v2/verify', {
        token: String(token),
        body: JSON.stringify({ phoneNumber: '+346001000007' }),
      });
      expect(res.status).toBe(403);
      expect(res.json?.code).toBe('NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK');
    }
  });
});

describe('JWT-bearer grant: refusals', () => {
  const refusedWith = async (
    sandbox: RunningSandbox,
    assertion: string,
    error: string,
    description: RegExp,
    extra: Record<string, string> = {},
  ) => {
    const res = await jwtBearer(sandbox.url, assertion, extra);
    expect(res.status).toBe(400);
    expect(res.json.error).toBe(error);
    expect(String(res.json.error_description)).toMatch(description);
    expect(res.json.access_token).toBeUndefined();
  };

  it('refuses a replayed jti', async () => {
    const assertion = await atA();
    expect((await jwtBearer(a.url, assertion)).status).toBe(200);
    await refusedWith(a, assertion, 'invalid_grant', /jti has already been used/);
  });

  it.each([
    [
      'aud is the issuer, not the token endpoint',
      { aud: 'ISSUER' },
      /aud must be this token endpoint/,
    ],
    ['an expired assertion', { iatOffset: -200, expOffset: -10 }, /expired/],
    ['exp - iat over 300 s', { iatOffset: 0, expOffset: 301 }, /exp - iat exceeds 300/],
    ['iat in the future', { iatOffset: 60, expOffset: 120 }, /iat is in the future/],
    ['no jti', { omit: ['jti'] as const }, /jti claim is required/],
    ['no iat', { omit: ['iat'] as const }, /iat claim is required/],
    ['no scope claim', { omit: ['scope'] as const }, /scope claim is required/],
    ['two purposes', { scope: `${FRAUD} ${SERVICE} sim-swap:check` }, /exactly one dpv: purpose/],
    ['the other scope style', { scope: `${FRAUD}#check-sim-swap` }, /unsupported scope/],
    ['an unknown subscriber', { sub: 'tel:+346009999999' }, /not a subscriber of this operator/],
    ['an ipport: subject', { sub: 'ipport:127.10.0.7' }, /sub must be tel:/],
    [
      'an unknown operatortoken: subject',
      { sub: 'operatortoken:abc' },
      /operator token is unknown/,
    ],
    ['an unknown client as iss', { iss: 'nobody' }, /iss is not a client/],
  ])('answers %s with invalid_grant naming the check', async (_name, o, description) => {
    const options = { ...o, ...('aud' in o ? { aud: `${a.url}` } : {}) } as AssertionOptions;
    await refusedWith(a, await atA(options), 'invalid_grant', description);
  });

  it('refuses an assertion signed with another key (invalid_grant)', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: SWITCHBOARD_KEYS['sandbox-a'].kid! };
    const forged = await bearerAssertion(jwk, {
      sub: 'tel:+346001000007',
      aud: `${a.url}/token`,
      scope: `${FRAUD} sim-swap:check`,
    });
    await refusedWith(a, forged, 'invalid_grant', /signature does not verify/);
    await refusedWith(a, 'not-a-jwt', 'invalid_grant', /not a signed JWT/);
  });

  it('refuses a scope request parameter (invalid_request, ICM: the scope is a claim)', async () => {
    await refusedWith(a, await atA(), 'invalid_request', /scope parameter must not be sent/, {
      scope: `${FRAUD} sim-swap:check`,
    });
  });

  it('accepts client authentication sent along, refuses one naming another client', async () => {
    const basic = (user: string) => ({
      authorization: `Basic ${Buffer.from(`${user}:whatever`).toString('base64')}`,
    });
    expect((await jwtBearer(a.url, await atA(), {}, basic('switchboard'))).status).toBe(200);
    await refusedWith(a, await atA(), 'invalid_grant', /client_id is not the assertion's iss/, {
      client_id: 'sandbox-tester',
    });
    const res = await jwtBearer(a.url, await atA(), {}, basic('sandbox-tester'));
    expect(res.json.error_description).toMatch(/client_id is not the assertion's iss/);
  });

  it('refuses a client not registered for the grant (unauthorized_client)', async () => {
    await refusedWith(
      a,
      await atA({ iss: 'sandbox-tester' }),
      'unauthorized_client',
      /may not use/,
    );
  });

  it('refuses a consent purpose the subscriber has not consented to (invalid_grant)', async () => {
    const assertion = await bearerAssertion(SWITCHBOARD_KEYS['sandbox-b'], {
      sub: 'tel:+491700000008',
      aud: `${b.url}/token`,
      scope: `${FRAUD}#check-sim-swap`,
    });
    await refusedWith(
      b,
      assertion,
      'invalid_grant',
      /has not consented to dpv:FraudPreventionAndDetection/,
    );
  });

  it('leaves every other grant to the provider, which requires client authentication', async () => {
    const res = await jwtBearer(a.url, await atA(), { grant_type: 'client_credentials' });
    expect(res.status).toBe(400);
    expect(res.json.error_description).toBe('no client authentication mechanism provided');
  });
});
