import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { aggregatorTokenAudience, readAggregatorAccessToken } from '@switchboard/tokens';
import { mintAggregatorAccessToken } from '@switchboard/tokens/test-support';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// The CAMARA Number Verification test definitions (NV 2.1 `/v2`, NV 0.3.1 `/v0`) run through
// the aggregator: the app only ever talks to Switchboard, the answers are the operator's.
let s: CoreStack;
beforeAll(async () => {
  s = await startCoreStack();
}, 60_000);
afterAll(() => s.stop());

const FRAUD = 'dpv:FraudPreventionAndDetection';
const V2_VERIFY = `openid ${FRAUD} number-verification:verify`;
const V2_SHARE = `openid ${FRAUD} number-verification:device-phone-number:read`;
const V0_VERIFY = `openid ${FRAUD} number-verification-verify-read`;
const V0_SHARE = `openid ${FRAUD} number-verification-share-read`;

// sandbox-a identifies 127.10.a.b as +346001 followed by a and b, zero-padded to 3 digits.
let next = 20;
function device(): { address: string; msisdn: string } {
  const n = next++;
  return { address: `127.10.1.${n}`, msisdn: `+346001001${String(n).padStart(3, '0')}` };
}

const tokenFor = (address: string, scope: string) => s.accessToken(address, s.secretApp, scope);

/** GET for device-phone-number, POST for verify (with no body at all when `body` is null). */
async function call(path: string, token: string | undefined, body?: string | null) {
  const res = await fetch(`${s.agg.publicUrl}/number-verification${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(typeof body === 'string' ? { 'content-type': 'application/json' } : {}),
    },
    ...(typeof body === 'string' ? { body } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');

describe.each([
  { version: 'v2', verifyScope: V2_VERIFY, shareScope: V2_SHARE },
  { version: 'v0', verifyScope: V0_VERIFY, shareScope: V0_SHARE },
])('Number Verification $version test definitions through the aggregator', (v) => {
  const verify = async (body: string | null, scope = v.verifyScope) => {
    const d = device();
    return { d, res: await call(`/${v.version}/verify`, await tokenFor(d.address, scope), body) };
  };

  it('answers true for the device number and false for another, plain and hashed', async () => {
    const cases = [
      (m: string) => ({ phoneNumber: m, expected: true }),
      () => ({ phoneNumber: '+34699999999', expected: false }),
      (m: string) => ({ hashedPhoneNumber: sha256(m), expected: true }),
      () => ({ hashedPhoneNumber: sha256('+34699999999'), expected: false }),
    ];
    for (const make of cases) {
      const d = device();
      const { expected, ...body } = make(d.msisdn);
      const token = await tokenFor(d.address, v.verifyScope);
      const res = await call(`/${v.version}/verify`, token, JSON.stringify(body));
      expect(res).toEqual({ status: 200, json: { devicePhoneNumberVerified: expected } });
    }
  });

  it.each([
    ['no body', null],
    ['an empty body', '{}'],
    [
      'both properties',
      JSON.stringify({ phoneNumber: '+34600000001', hashedPhoneNumber: 'a'.repeat(64) }),
    ],
    ['an unknown property', JSON.stringify({ phoneNumber: '+34600000001', extra: true })],
    ['a malformed phone number', JSON.stringify({ phoneNumber: '+34-600' })],
    ['a malformed hash', JSON.stringify({ hashedPhoneNumber: 'xyz' })],
  ])('answers 400 INVALID_ARGUMENT for %s', async (_name, body) => {
    const { res } = await verify(body);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
  });

  it('returns the device phone number with the share scope, 403 without it', async () => {
    const d = device();
    const shared = await call(
      `/${v.version}/device-phone-number`,
      await tokenFor(d.address, v.shareScope),
    );
    expect(shared).toEqual({ status: 200, json: { devicePhoneNumber: d.msisdn } });
    const { res } = await verify(JSON.stringify({ phoneNumber: d.msisdn }), v.shareScope);
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ status: 403, code: 'PERMISSION_DENIED' });
  });

  it('answers 401 UNAUTHENTICATED without a token, with a bad one and with an expired one', async () => {
    const d = device();
    const token = await tokenFor(d.address, v.verifyScope);
    const keyring = await s.agg.keys.tokenKeyring();
    const audience = aggregatorTokenAudience(s.agg.issuer);
    const claims = await readAggregatorAccessToken(token, {
      keyring,
      issuer: s.agg.issuer,
      audience,
    });
    const past = Math.floor(Date.now() / 1000) - 60;
    const expired = await mintAggregatorAccessToken(
      { ...claims, iat: past - 60, exp: past },
      keyring,
    );
    for (const bearer of [undefined, 'abc.def', expired]) {
      const res = await call(
        `/${v.version}/verify`,
        bearer,
        JSON.stringify({ phoneNumber: d.msisdn }),
      );
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
  });
});

describe('version differences survive the proxy', () => {
  it("accepts a number without '+' on v0 (NV 0.3.1) and refuses it on v2 (NV 2.1)", async () => {
    const a = device();
    const v0 = await call(
      '/v0/verify',
      await tokenFor(a.address, V0_VERIFY),
      JSON.stringify({ phoneNumber: a.msisdn.slice(1) }),
    );
    expect(v0).toEqual({ status: 200, json: { devicePhoneNumberVerified: true } });
    const b = device();
    const v2 = await call(
      '/v2/verify',
      await tokenFor(b.address, V2_VERIFY),
      JSON.stringify({ phoneNumber: b.msisdn.slice(1) }),
    );
    expect(v2.status).toBe(400);
    expect(v2.json).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
