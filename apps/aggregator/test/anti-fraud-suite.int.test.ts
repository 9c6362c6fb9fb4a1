import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { API_SCOPES } from '@switchboard/camara';
import { registerApp, type AppClient } from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// The anti-fraud suite as one app uses it: Number Verification, SIM Swap, KYC Match and
// Location Verification asked in one authorization (one consent, one token), each call
// routed to the subscriber's operator, metered, counted and audited like NV.
const ADMIN = { kind: 'admin', id: 'test' } as const;
const SUITE = `openid dpv:FraudPreventionAndDetection ${[
  'number-verification:verify',
  'sim-swap:retrieve-date',
  'kyc-match:match',
  'location-verification:verify',
].join(' ')}`;
let s: CoreStack;
let app: AppClient;
beforeAll(async () => {
  s = await startCoreStack();
  app = await registerApp(s.agg, 'secret', API_SCOPES);
}, 60_000);
afterAll(() => s.stop());

async function call(path: string, token: string, body: unknown) {
  const res = await fetch(`${s.agg.publicUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('the anti-fraud suite through the aggregator', () => {
  it('one authorization with scopes of four APIs gives one token that each API accepts (sandbox-a, +346001000005)', async () => {
    const { req, params } = await s.authorize('127.10.0.5', app, { scope: SUITE, prompt: 'none' });
    expect(params?.get('error')).toBeNull();
    const token = await s.tokenFor(app, params!.get('code')!, req.verifier);
    expect(String(token.body.scope).split(' ')).toEqual(
      expect.arrayContaining(SUITE.split(' ').slice(2)),
    );
    const bearer = String(token.body.access_token);

    expect(await call('/sim-swap/v2/retrieve-date', bearer, {})).toEqual({
      status: 200,
      json: { latestSimChange: null, monitoredPeriod: 90 },
    });
    const kyc = await call('/kyc-match/v0.3/match', bearer, {
      givenName: 'Ana',
      familyName: 'Garcia',
    });
    expect(kyc).toMatchObject({
      status: 200,
      json: { givenNameMatch: 'true', familyNameMatch: 'false' },
    });
    const madrid = {
      areaType: 'CIRCLE',
      center: { latitude: 40.4168, longitude: -3.7038 },
      radius: 2000,
    };
    const located = await call('/location-verification/v3/verify', bearer, { area: madrid });
    expect(located).toMatchObject({ status: 200, json: { verificationResult: 'TRUE' } });
    // Number Verification last: the sandbox allows one NV call per token (NV 2.1).
    expect(
      await call('/number-verification/v2/verify', bearer, { phoneNumber: '+346001000005' }),
    ).toEqual({
      status: 200,
      json: { devicePhoneNumberVerified: true },
    });
  });

  it('meters and counts the calls of every API, by API', async () => {
    await s.agg.flushUsage();
    const metered = (await s.t.db.knex('usage_events').distinct('api').pluck('api')) as string[];
    expect(metered).toEqual(
      expect.arrayContaining([
        'number-verification',
        'sim-swap',
        'kyc-match',
        'location-verification',
      ]),
    );
    const metrics = await (await fetch(`${s.agg.adminUrl}/metrics`)).text();
    for (const api of ['sim-swap', 'kyc-match', 'location-verification', 'number-verification'])
      expect(metrics).toMatch(new RegExp(`switchboard_proxy_requests_total\\{[^}]*api="${api}"`));
  });

  it("audits a change of an operator's supportedApis, before and after", async () => {
    const before = (await s.agg.operators.get('sandbox-b')).supportedApis;
    const narrowed = before.filter((api) => api.name !== 'location-verification');
    await s.agg.operators.update('sandbox-b', { supportedApis: narrowed }, ADMIN);
    const [entry] = (await s.t.db
      .knex('audit_log')
      .where({ operator_id: 'sandbox-b', action: 'operator.update' })
      .orderBy('id', 'desc')
      .limit(1)
      .select('detail')) as Array<{ detail: unknown }>;
    const detail = (
      typeof entry!.detail === 'string' ? JSON.parse(entry!.detail) : entry!.detail
    ) as {
      changed: string[];
      before: { supportedApis: unknown };
      after: { supportedApis: unknown };
    };
    expect(detail.changed).toEqual(['supportedApis']);
    expect(detail.before.supportedApis).toEqual(before);
    expect(detail.after.supportedApis).toEqual(narrowed);
  });
});
