import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// Seed Annex steps 1–30 end to end: the app gets an AggregatorAccessToken through the nested
// flow, then calls Switchboard's CAMARA API, which forwards to the operator in the token.
let s: CoreStack;
beforeAll(async () => {
  s = await startCoreStack();
}, 60_000);
afterAll(() => s.stop());

async function tokenFor(address: string, scope?: string): Promise<string> {
  const { req, params } = await s.authorize(address, s.secretApp, {
    prompt: 'none',
    ...(scope ? { scope } : {}),
  });
  const code = params?.get('code');
  if (!code) throw new Error(`no code: ${params?.toString()}`);
  const token = await s.tokenFor(s.secretApp, code, req.verifier);
  return String(token.body.access_token);
}

async function camara(
  path: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${s.agg.publicUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');

describe('CAMARA Number Verification through the aggregator', () => {
  it('verifies the device number of a 127.10.x.y device at sandbox-a (true, then false)', async () => {
    const yes = await camara('/number-verification/v2/verify', await tokenFor('127.10.0.5'), {
      phoneNumber: '+346001000005',
    });
    expect(yes.status).toBe(200);
    expect(yes.json).toEqual({ devicePhoneNumberVerified: true });
    const no = await camara('/number-verification/v2/verify', await tokenFor('127.10.0.5'), {
      phoneNumber: '+346001000006',
    });
    expect(no.json).toEqual({ devicePhoneNumberVerified: false });
  });

  it('verifies a hashed number', async () => {
    const hashed = await camara('/number-verification/v2/verify', await tokenFor('127.10.1.2'), {
      hashedPhoneNumber: sha256('+346001001002'),
    });
    expect(hashed.json).toEqual({ devicePhoneNumberVerified: true });
  });

  it('routes a 127.20.x.y device to sandbox-b (dpv-hash scope style) with the same app-facing call', async () => {
    const token = await tokenFor(
      '127.20.1.2',
      'openid dpv:IdentityVerification number-verification:verify',
    );
    const res = await camara('/number-verification/v2/verify', token, {
      phoneNumber: '+491700001002',
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ devicePhoneNumberVerified: true });
    const other = await camara(
      '/number-verification/v2/verify',
      await tokenFor('127.20.1.2', 'openid dpv:IdentityVerification number-verification:verify'),
      { phoneNumber: '+346001001002' },
    );
    expect(other.json).toEqual({ devicePhoneNumberVerified: false });
  });

  it('echoes a valid x-correlator, generates one when absent, and refuses an invalid one', async () => {
    const token = await tokenFor('127.10.0.7');
    const echoed = await camara(
      '/number-verification/v2/verify',
      token,
      { phoneNumber: '+346001000007' },
      { 'x-correlator': 'app-corr-1' },
    );
    expect(echoed.headers.get('x-correlator')).toBe('app-corr-1');
    const generated = await camara('/number-verification/v2/verify', await tokenFor('127.10.0.7'), {
      phoneNumber: '+346001000007',
    });
    expect(generated.headers.get('x-correlator')).toMatch(/^[a-zA-Z0-9-_:;./<>{}]{8,256}$/);
    const bad = await camara(
      '/number-verification/v2/verify',
      await tokenFor('127.10.0.7'),
      { phoneNumber: '+346001000007' },
      { 'x-correlator': 'bad correlator!' },
    );
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
  });

  it('Commonalities r4.4: x-correlator is echoed on GET device-phone-number; an invalid one is 400 INVALID_ARGUMENT', async () => {
    const share =
      'openid dpv:FraudPreventionAndDetection number-verification:device-phone-number:read';
    const path = '/number-verification/v2/device-phone-number';
    const longest = 'a'.repeat(256);
    const echoed = await camara(path, await tokenFor('127.10.0.7', share), undefined, {
      'x-correlator': longest,
    });
    expect(echoed.status).toBe(200);
    expect(echoed.headers.get('x-correlator')).toBe(longest);
    for (const invalid of ['a'.repeat(257), 'bad correlator!']) {
      const bad = await camara(path, await tokenFor('127.10.0.7', share), undefined, {
        'x-correlator': invalid,
      });
      expect(bad.status).toBe(400);
      expect(bad.json).toEqual({
        status: 400,
        code: 'INVALID_ARGUMENT',
        message: expect.any(String),
      });
    }
  });

  it('passes the operator’s own CAMARA errors through unchanged', async () => {
    // Only the operator refuses this one (content negotiation): Switchboard forwards Accept.
    const res = await camara(
      '/number-verification/v2/verify',
      await tokenFor('127.10.0.8'),
      { phoneNumber: '+346001000008' },
      { accept: 'text/html' },
    );
    expect(res.status).toBe(406);
    expect(res.json).toMatchObject({ status: 406, code: 'NOT_ACCEPTABLE' });
  });

  it('refuses missing, malformed and tampered tokens with 401 UNAUTHENTICATED', async () => {
    const token = await tokenFor('127.10.0.9');
    const parts = token.split('.');
    parts[3] = `${parts[3]!.slice(0, -2)}${parts[3]!.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const bearer of [undefined, 'not-a-token', parts.join('.')]) {
      const res = await camara('/number-verification/v2/verify', bearer, {
        phoneNumber: '+346001000009',
      });
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
  });

  it('refuses an operation the token has no scope for with 403 PERMISSION_DENIED', async () => {
    const res = await camara(
      '/number-verification/v2/device-phone-number',
      await tokenFor('127.10.0.10'),
    );
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('never returns the operator token to the app', async () => {
    const token = await tokenFor('127.10.0.11');
    const keyring = await s.agg.keys.tokenKeyring();
    const { readAggregatorAccessToken, aggregatorTokenAudience } =
      await import('@switchboard/tokens');
    const claims = await readAggregatorAccessToken(token, {
      keyring,
      issuer: s.agg.issuer,
      audience: aggregatorTokenAudience(s.agg.issuer),
    });
    const res = await camara('/number-verification/v2/verify', token, {
      phoneNumber: '+346001000011',
    });
    expect(res.text).not.toContain(claims.operator_access_token);
    for (const [, v] of res.headers) expect(v).not.toContain(claims.operator_access_token);
  });
});
