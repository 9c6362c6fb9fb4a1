import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';
import { registerApp, type AppClient } from '../test-support/core-fixture.js';

// CAMARA DeviceLocation r3.2 location-verification.feature (Location Verification 3.0.0) run
// through the aggregator: the app only talks to Switchboard, the answers are the operator's.
// Demo data (config/sandbox.json, docs/conformance/location-verification.md): on sandbox-a
// (camara scopes) 127.10.0.5 is +346001000005 in Madrid, 127.10.0.8 a line without a known
// location; on sandbox-b (dpv-hash scopes) 127.20.1.2 is +491700001002 in Berlin.
let s: CoreStack;
let app: AppClient;
let nvOnlyApp: AppClient;
beforeAll(async () => {
  s = await startCoreStack();
  app = await registerApp(s.agg, 'secret', ['location-verification:verify']);
  nvOnlyApp = await registerApp(s.agg, 'secret', ['number-verification:verify']);
}, 60_000);
afterAll(() => s.stop());

const FRAUD = 'dpv:FraudPreventionAndDetection';
const SERVICE = 'dpv:RequestedServiceProvision';
const SCOPE = 'location-verification:verify';
const CORRELATOR = 'c0ffee00-49c0-4f62-80d7-f0ef930f1c46';
const circle = (latitude: number, longitude: number, radius: number) => ({
  areaType: 'CIRCLE',
  center: { latitude, longitude },
  radius,
});
const MADRID = circle(40.4168, -3.7038, 2000);
const BERLIN = circle(52.52, 13.405, 3000);

async function tokenFor(address: string, scope: string, client = app): Promise<string> {
  const { req, params } = await s.authorize(address, client, { prompt: 'none', scope });
  const code = params?.get('code');
  if (!code) throw new Error(`no code: ${params?.toString()}`);
  return String((await s.tokenFor(client, code, req.verifier)).body.access_token);
}

async function verify(token: string | undefined, body: unknown) {
  const res = await fetch(`${s.agg.publicUrl}/location-verification/v3/verify`, {
    method: 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': 'application/json',
      'x-correlator': CORRELATOR,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.headers.get('x-correlator')).toBe(CORRELATOR);
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const madridToken = () => tokenFor('127.10.0.5', `openid ${FRAUD} ${SCOPE}`);
const error = (status: number, code: string) => ({
  status,
  json: { status, code, message: expect.any(String) },
});

describe('Location Verification 3.0.0 through the aggregator, sandbox-a (camara scopes)', () => {
  it('@location_verification_02: TRUE where the device is, with lastLocationTime', async () => {
    expect(await verify(await madridToken(), { area: MADRID, maxAge: 60 })).toEqual({
      status: 200,
      json: { verificationResult: 'TRUE', lastLocationTime: expect.any(String) },
    });
  });

  it('@location_verification_02: PARTIAL with matchRate for an overlapping area', async () => {
    const north = circle(40.4168 + 1000 / 111_195, -3.7038, 1000);
    expect(await verify(await madridToken(), { area: north })).toEqual({
      status: 200,
      json: { verificationResult: 'PARTIAL', matchRate: 45, lastLocationTime: expect.any(String) },
    });
  });

  it('@location_verification_04: FALSE elsewhere', async () => {
    const res = await verify(await madridToken(), { area: circle(41.3874, 2.1686, 50_000) });
    expect(res).toEqual({
      status: 200,
      json: { verificationResult: 'FALSE', lastLocationTime: expect.any(String) },
    });
  });

  it('@location_verification_C02.04: a device besides the three-legged token → 422 UNNECESSARY_IDENTIFIER', async () => {
    const body = { device: { phoneNumber: '+346001000005' }, area: MADRID };
    expect(await verify(await madridToken(), body)).toEqual(error(422, 'UNNECESSARY_IDENTIFIER'));
  });

  it.each([
    ['@location_verification_400.2 (empty body)', {}],
    ['@location_verification_C01.01 (device {})', { device: {}, area: MADRID }],
    [
      '@location_verification_400.3 (areaType POLYGON)',
      { area: { ...MADRID, areaType: 'POLYGON' } },
    ],
    [
      '@location_verification_400.4 (no radius)',
      { area: { areaType: 'CIRCLE', center: MADRID.center } },
    ],
  ])('%s → 400 INVALID_ARGUMENT', async (_name, body) => {
    expect(await verify(await madridToken(), body)).toEqual(error(400, 'INVALID_ARGUMENT'));
  });

  it('@location_verification_401.1: no token → 401 UNAUTHENTICATED', async () => {
    expect(await verify(undefined, { area: MADRID })).toEqual(error(401, 'UNAUTHENTICATED'));
  });

  it('@location_verification_403_missing_scope: a token for another API → 403 PERMISSION_DENIED', async () => {
    const token = await tokenFor(
      '127.10.0.5',
      `openid ${FRAUD} number-verification:verify`,
      nvOnlyApp,
    );
    expect(await verify(token, { area: MADRID })).toEqual(error(403, 'PERMISSION_DENIED'));
  });

  it('@location_verification_422.1: 422 LOCATION_VERIFICATION.AREA_NOT_COVERED outside Spain', async () => {
    expect(await verify(await madridToken(), { area: circle(48.8566, 2.3522, 5000) })).toEqual(
      error(422, 'LOCATION_VERIFICATION.AREA_NOT_COVERED'),
    );
  });

  it('@location_verification_422.2: 422 LOCATION_VERIFICATION.INVALID_AREA under 1000 m', async () => {
    expect(await verify(await madridToken(), { area: circle(40.4168, -3.7038, 500) })).toEqual(
      error(422, 'LOCATION_VERIFICATION.INVALID_AREA'),
    );
  });

  it('@location_verification_422.4: 422 LOCATION_VERIFICATION.UNABLE_TO_LOCATE for an unlocated line', async () => {
    const token = await tokenFor('127.10.0.8', `openid ${FRAUD} ${SCOPE}`);
    expect(await verify(token, { area: MADRID })).toEqual(
      error(422, 'LOCATION_VERIFICATION.UNABLE_TO_LOCATE'),
    );
  });
});

describe('Location Verification 3.0.0 through the aggregator, sandbox-b (dpv-hash scopes)', () => {
  it('@location_verification_02 / _04: TRUE in Berlin, FALSE in Hamburg', async () => {
    const scope = `openid ${SERVICE} ${SCOPE}`;
    expect(await verify(await tokenFor('127.20.1.2', scope), { area: BERLIN })).toEqual({
      status: 200,
      json: { verificationResult: 'TRUE', lastLocationTime: expect.any(String) },
    });
    const hamburg = circle(53.5511, 9.9937, 10_000);
    expect(await verify(await tokenFor('127.20.1.2', scope), { area: hamburg })).toEqual({
      status: 200,
      json: { verificationResult: 'FALSE', lastLocationTime: expect.any(String) },
    });
  });
});
