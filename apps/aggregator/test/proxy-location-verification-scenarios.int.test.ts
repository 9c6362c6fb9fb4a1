import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { aggregatorTokenAudience, readAggregatorAccessToken } from '@switchboard/tokens';
import { mintAggregatorAccessToken } from '@switchboard/tokens/test-support';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';
import { registerApp, type AppClient } from '../test-support/core-fixture.js';

// CAMARA DeviceLocation r3.2 location-verification.feature (Location Verification 3.0.0) run
// through the aggregator with the app's three-legged AggregatorAccessToken: one test per
// scenario (per Scenario Outline row), named with the scenario id, against sandbox-a (camara
// scopes) and, where its demo data allows, sandbox-b (dpv-hash scopes). The scenarios that need
// a two-legged token (C01.03, C01.05, C01.06) run sandbox-direct only
// (docs/conformance/location-verification.md). Demo data (config/sandbox.json): sandbox-a
// 127.10.0.5 is +346001000005 in Madrid, 127.10.0.6 was last located in Barcelona an hour
// before start, 127.10.0.7 is not served, 127.10.0.8 has no known location; sandbox-b
// 127.20.1.2 is +491700001002 in Berlin, 127.20.1.3 has no known location.
let s: CoreStack;
let app: AppClient;
let nvOnlyApp: AppClient;
beforeAll(async () => {
  s = await startCoreStack();
  app = await registerApp(s.agg, 'secret', ['location-verification:verify']);
  nvOnlyApp = await registerApp(s.agg, 'secret', ['number-verification:verify']);
}, 60_000);
afterAll(() => s.stop());

const SCOPE = 'location-verification:verify';
const CORRELATOR = 'c0ffee00-49c0-4f62-80d7-f0ef930f1c46';
const circle = (latitude: number, longitude: number, radius: number) => ({
  areaType: 'CIRCLE',
  center: { latitude, longitude },
  radius,
});

interface Operator {
  name: string;
  purpose: string;
  /** A fresh, located line: its device address and phone number, and an area around it. */
  located: { address: string; msisdn: string; area: ReturnType<typeof circle> };
  /** A line of the operator without a known location. */
  unlocated: string;
  /** A centre outside the operator's coverage. */
  uncovered: ReturnType<typeof circle>;
  /** An area overlapping the located line's 500 m estimate without holding it, and one apart. */
  overlapping: ReturnType<typeof circle>;
  elsewhere: ReturnType<typeof circle>;
}
const A: Operator = {
  name: 'sandbox-a',
  purpose: 'dpv:FraudPreventionAndDetection',
  located: { address: '127.10.0.5', msisdn: '+346001000005', area: circle(40.4168, -3.7038, 2000) },
  unlocated: '127.10.0.8',
  uncovered: circle(48.8566, 2.3522, 5000),
  overlapping: circle(40.4168 + 1000 / 111_195, -3.7038, 1000),
  elsewhere: circle(41.3874, 2.1686, 50_000),
};
const B: Operator = {
  name: 'sandbox-b',
  purpose: 'dpv:RequestedServiceProvision',
  located: { address: '127.20.1.2', msisdn: '+491700001002', area: circle(52.52, 13.405, 3000) },
  unlocated: '127.20.1.3',
  uncovered: circle(40.4168, -3.7038, 5000),
  overlapping: circle(52.52 + 1000 / 111_195, 13.405, 1000),
  elsewhere: circle(53.5511, 9.9937, 10_000),
};
const BOTH = [A, B];

const tokenFor = (address: string, scope: string, client = app) =>
  s.accessToken(address, client, scope);
const tokenAt = (op: Operator, address = op.located.address) =>
  tokenFor(address, `openid ${op.purpose} ${SCOPE}`);

/** POSTs to Switchboard's Location Verification; `body` undefined sends no body at all. */
async function verify(token: string | undefined, body?: unknown) {
  const res = await fetch(`${s.agg.publicUrl}/location-verification/v3/verify`, {
    method: 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': 'application/json',
      'x-correlator': CORRELATOR,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  expect(res.headers.get('x-correlator')).toBe(CORRELATOR);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const ok = (verificationResult: string, more: Record<string, unknown> = {}) => ({
  status: 200,
  json: { verificationResult, lastLocationTime: expect.stringMatching(RFC3339), ...more },
});
const error = (status: number, code: string) => ({
  status,
  json: { status, code, message: expect.stringMatching(/\S/) },
});

describe.each(BOTH)('location-verification.feature through the aggregator, $name', (op) => {
  it('@location_verification_01_generic_success_scenario', async () => {
    const res = await verify(await tokenAt(op), { area: op.located.area });
    expect(res).toEqual(ok('TRUE'));
    expect(res.json).not.toHaveProperty('matchRate');
  });

  it('@location_verification_02_known_location_for_device_no_maxAge: TRUE inside, PARTIAL overlapping', async () => {
    const token = await tokenAt(op);
    expect(await verify(token, { area: op.located.area })).toEqual(ok('TRUE'));
    expect(await verify(token, { area: op.overlapping })).toEqual(ok('PARTIAL', { matchRate: 45 }));
  });

  it('@location_verification_03_known_location_for_device_with_maxAge', async () => {
    const res = await verify(await tokenAt(op), { area: op.located.area, maxAge: 60 });
    expect(res).toEqual(ok('TRUE'));
    // The sandbox locates the line afresh: the fix is within maxAge of Switchboard's answer.
    const age = Date.now() - Date.parse(String(res.json.lastLocationTime));
    expect(age).toBeLessThanOrEqual(60_000);
  });

  it('@location_verification_04_false_location_for_device', async () => {
    expect(await verify(await tokenAt(op), { area: op.elsewhere })).toEqual(ok('FALSE'));
  });

  it('@location_verification_C01.01_device_empty → 400 INVALID_ARGUMENT', async () => {
    const body = { device: {}, area: op.located.area };
    expect(await verify(await tokenAt(op), body)).toEqual(error(400, 'INVALID_ARGUMENT'));
  });

  it.each([
    ['$.device.phoneNumber', { phoneNumber: op.located.msisdn.slice(1) }],
    ['$.device.ipv4Address', { ipv4Address: { publicAddress: op.located.address } }],
    ['$.device.ipv6Address', { ipv6Address: op.located.address }],
    ['$.device.networkAccessIdentifier', { networkAccessIdentifier: 42 }],
  ])(
    '@location_verification_C01.02_device_identifiers_not_schema_compliant: %s → 400 INVALID_ARGUMENT',
    async (_property, device) => {
      const body = { device, area: op.located.area };
      expect(await verify(await tokenAt(op), body)).toEqual(error(400, 'INVALID_ARGUMENT'));
    },
  );

  it('@location_verification_C02.04_unnecessary_device → 422 UNNECESSARY_IDENTIFIER', async () => {
    const body = { device: { phoneNumber: op.located.msisdn }, area: op.located.area };
    expect(await verify(await tokenAt(op), body)).toEqual(error(422, 'UNNECESSARY_IDENTIFIER'));
  });

  it('@location_verification_400.1_no_request_body', async () => {
    expect(await verify(await tokenAt(op))).toEqual(error(400, 'INVALID_ARGUMENT'));
  });

  it('@location_verification_400.2_empty_request_body', async () => {
    expect(await verify(await tokenAt(op), {})).toEqual(error(400, 'INVALID_ARGUMENT'));
  });

  const { center } = op.located.area;
  it.each([
    ['$.area.areaType', { area: { ...op.located.area, areaType: 'POLYGON' } }],
    ['$.area.center.latitude', { area: circle(90.5, center.longitude, 2000) }],
    ['$.area.center.longitude', { area: circle(center.latitude, '13.4' as never, 2000) }],
    ['$.area.radius', { area: { ...op.located.area, radius: 0 } }],
    ['$.maxAge', { area: op.located.area, maxAge: 'sixty' }],
  ])(
    '@location_verification_400.3_other_input_properties_schema_not_compliant: %s',
    async (_property, body) => {
      expect(await verify(await tokenAt(op), body)).toEqual(error(400, 'INVALID_ARGUMENT'));
    },
  );

  it.each([
    ['$.area', { maxAge: 60 }],
    ['$.area.areaType', { area: { center, radius: 2000 } }],
    ['$.area.center', { area: { areaType: 'CIRCLE', radius: 2000 } }],
    ['$.area.center.latitude', { area: { ...op.located.area, center: { longitude: 0 } } }],
    ['$.area.center.longitude', { area: { ...op.located.area, center: { latitude: 0 } } }],
    ['$.area.radius', { area: { areaType: 'CIRCLE', center } }],
  ])(
    '@location_verification_400.4_required_input_properties_missing: %s',
    async (_property, body) => {
      expect(await verify(await tokenAt(op), body)).toEqual(error(400, 'INVALID_ARGUMENT'));
    },
  );

  it('@location_verification_401.2_expired_access_token: Switchboard refuses its own expired token', async () => {
    const token = await tokenAt(op);
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
    expect(await verify(expired, { area: op.located.area })).toEqual(error(401, 'UNAUTHENTICATED'));
    // The same claims, unexpired, are served: only the expiry was refused.
    expect(await verify(token, { area: op.located.area })).toEqual(ok('TRUE'));
  });

  it('@location_verification_403_missing_scope: a token for another API → 403 PERMISSION_DENIED', async () => {
    const scope = `openid ${op.purpose} number-verification:verify`;
    const token = await tokenFor(op.located.address, scope, nvOnlyApp);
    expect(await verify(token, { area: op.located.area })).toEqual(error(403, 'PERMISSION_DENIED'));
  });

  it('@location_verification_422.1_area_not_covered', async () => {
    expect(await verify(await tokenAt(op), { area: op.uncovered })).toEqual(
      error(422, 'LOCATION_VERIFICATION.AREA_NOT_COVERED'),
    );
  });

  it('@location_verification_422.2_area_too_small: radius under 1000 m', async () => {
    const area = { ...op.located.area, radius: 999 };
    expect(await verify(await tokenAt(op), { area })).toEqual(
      error(422, 'LOCATION_VERIFICATION.INVALID_AREA'),
    );
  });

  it('@location_verification_422.3_unable_to_fulfill_max_age: a line never located, maxAge 60', async () => {
    // "older than the specified maxAge or not known at all" (the spec's introduction).
    const token = await tokenAt(op, op.unlocated);
    expect(await verify(token, { area: op.located.area, maxAge: 60 })).toEqual(
      error(422, 'LOCATION_VERIFICATION.UNABLE_TO_FULFILL_MAX_AGE'),
    );
  });

  it('@location_verification_422.4_unknown_location_for_device', async () => {
    const token = await tokenAt(op, op.unlocated);
    expect(await verify(token, { area: op.located.area })).toEqual(
      error(422, 'LOCATION_VERIFICATION.UNABLE_TO_LOCATE'),
    );
  });
});

describe('location-verification.feature through the aggregator, no operator involved', () => {
  it('@location_verification_401.1_no_authorization_header', async () => {
    expect(await verify(undefined, { area: A.located.area })).toEqual(
      error(401, 'UNAUTHENTICATED'),
    );
  });

  it('@location_verification_401.3_invalid_access_token', async () => {
    for (const bearer of ['abc.def', 'not-a-token-of-switchboard'])
      expect(await verify(bearer, { area: A.located.area })).toEqual(error(401, 'UNAUTHENTICATED'));
  });
});

describe('location-verification.feature through the aggregator, sandbox-a only data', () => {
  it('@location_verification_C01.07_device_not_supported → 422 SERVICE_NOT_APPLICABLE', async () => {
    // sandbox-a does not serve +346001000007 (127.10.0.7); sandbox-b has no such line.
    expect(await verify(await tokenAt(A, '127.10.0.7'), { area: A.located.area })).toEqual(
      error(422, 'SERVICE_NOT_APPLICABLE'),
    );
  });

  it('@location_verification_422.3_unable_to_fulfill_max_age: a fix an hour old, maxAge 60', async () => {
    // +346001000006 (127.10.0.6) was last located in Barcelona 3600 s before the sandbox started.
    const body = { area: circle(41.3874, 2.1686, 5000), maxAge: 60 };
    expect(await verify(await tokenAt(A, '127.10.0.6'), body)).toEqual(
      error(422, 'LOCATION_VERIFICATION.UNABLE_TO_FULFILL_MAX_AGE'),
    );
    // The same fix meets a maxAge over its age.
    const lenient = await verify(await tokenAt(A, '127.10.0.6'), { ...body, maxAge: 86_400 });
    expect(lenient).toEqual(ok('TRUE'));
  });
});
