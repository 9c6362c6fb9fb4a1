import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Clock, RunningSandbox } from '../src/index.js';
import { DeviceBrowser } from '../test-support/device-browser.js';
import {
  FRAUD,
  SWITCHBOARD_CALLBACK,
  TESTER_CALLBACK,
  authorize,
  callNv,
  decide,
  exchange,
  follow,
  obtainToken,
  startInstance,
  switchboardAtA,
  testerAt,
  tokenRequest,
  type NvResponse,
} from '../test-support/sandbox-fixture.js';

// CAMARA DeviceLocation r3.2, code/Test_definitions/location-verification.feature
// (Location Verification 3.0.0), every scenario against the sandbox directly. Demo data:
// config/sandbox.json, docs/conformance/location-verification.md.
const PATH = '/location-verification/v3/verify';
const SCOPE = 'location-verification:verify';
const CORRELATOR = 'b4333c46-49c0-4f62-80d7-f0ef930f1c46';
const MADRID = { latitude: 40.4168, longitude: -3.7038 };
const BARCELONA = { latitude: 41.3874, longitude: 2.1686 };
/** +346001000005: located in Madrid, 500 m accuracy, reachable (fresh fixes). */
const MADRID_DEVICE = '127.10.0.5';
const MADRID_NUMBER = '+346001000005';
/** +346001000006: last fixed in Barcelona an hour before the sandbox started. */
const STALE_NUMBER = '+346001000006';
/** +346001000007: the service is not applicable to this line. */
const NOT_APPLICABLE_NUMBER = '+346001000007';
/** +346001000008: a line of the operator the network has no location for. */
const UNLOCATED_DEVICE = '127.10.0.8';
const UNLOCATED_NUMBER = '+346001000008';
const circle = (center: { latitude: number; longitude: number }, radius: number) => ({
  areaType: 'CIRCLE',
  center,
  radius,
});
const AROUND_MADRID = circle(MADRID, 2000);

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** `VerifyLocationResponse`, and matchRate only with PARTIAL (scenario 01). */
function expectVerifyLocationResponse(res: NvResponse): Record<string, unknown> {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const json = res.json!;
  expect(['TRUE', 'FALSE', 'PARTIAL']).toContain(json.verificationResult);
  expect(json.lastLocationTime).toMatch(RFC3339);
  for (const key of Object.keys(json))
    expect(['verificationResult', 'lastLocationTime', 'matchRate', 'device']).toContain(key);
  if (json.verificationResult === 'PARTIAL') {
    expect(Number.isInteger(json.matchRate)).toBe(true);
    expect(json.matchRate).toBeGreaterThanOrEqual(1);
    expect(json.matchRate).toBeLessThanOrEqual(99);
  } else {
    expect(json).not.toHaveProperty('matchRate');
  }
  if (json.device !== undefined) expect(Object.keys(json.device as object)).toHaveLength(1);
  return json;
}

function expectError(res: NvResponse, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.json).toEqual({ status, code, message: expect.any(String) });
  expect(String(res.json!.message).length).toBeGreaterThan(0);
  expect(res.headers['x-correlator']).toBe(CORRELATOR);
}

const devices: DeviceBrowser[] = [];
afterAll(() => Promise.all(devices.map((d) => d.close())));

const clock: Clock & { offset: number } = { offset: 0, now: () => Date.now() + clock.offset };
let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startInstance('sandbox-a', {}, { clock });
});
afterAll(() => sandbox.close());

/** A three-legged token: the subscriber at `address`, authenticated by the network. */
async function threeLegged(address = MADRID_DEVICE, apiScope = SCOPE): Promise<string> {
  const d = new DeviceBrowser(address);
  devices.push(d);
  const tokens = await obtainToken(d, sandbox, switchboardAtA, {
    redirectUri: SWITCHBOARD_CALLBACK,
    scope: `openid ${FRAUD} ${apiScope}`,
  });
  return String(tokens.access_token);
}

/** A two-legged (client credentials) token, which identifies no device. */
async function twoLegged(): Promise<string> {
  const cc = await tokenRequest(sandbox.url, testerAt('sandbox-a'), {
    grant_type: 'client_credentials',
    scope: `${FRAUD} ${SCOPE}`,
  });
  expect(cc.status).toBe(200);
  return String(cc.json.access_token);
}

const verify = (token: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
  callNv(sandbox.url, PATH, {
    ...(token ? { token } : {}),
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    headers: { 'x-correlator': CORRELATOR, ...headers },
  });

describe('location-verification.feature: success scenarios', () => {
  it('@location_verification_01_generic_success_scenario: 3-legged and 2-legged tokens', async () => {
    const three = await verify(await threeLegged(), { area: AROUND_MADRID });
    expect(expectVerifyLocationResponse(three)).not.toHaveProperty('device');
    expect(three.headers['x-correlator']).toBe(CORRELATOR);
    const two = await verify(await twoLegged(), {
      device: { phoneNumber: MADRID_NUMBER },
      area: AROUND_MADRID,
    });
    expect(expectVerifyLocationResponse(two).device).toEqual({ phoneNumber: MADRID_NUMBER });
    expect(two.headers['x-correlator']).toBe(CORRELATOR);
  });

  it('@location_verification_02_known_location_for_device_no_maxAge: TRUE inside, PARTIAL overlapping', async () => {
    const inside = expectVerifyLocationResponse(
      await verify(await threeLegged(), { area: AROUND_MADRID }),
    );
    expect(inside.verificationResult).toBe('TRUE');
    expect(Date.now() - Date.parse(String(inside.lastLocationTime))).toBeLessThan(5_000);
    // Centre 1 km north of the fix, radius 1 km; the estimate is 500 m around the fix: the lens
    // of r = 500, ρ = 1000, d = 1000 is 350 767 m², 44.7 % of the estimate's 785 398 m².
    const north = { latitude: MADRID.latitude + 1000 / 111_195, longitude: MADRID.longitude };
    const partial = expectVerifyLocationResponse(
      await verify(await threeLegged(), { area: circle(north, 1000) }),
    );
    expect(partial).toEqual({
      verificationResult: 'PARTIAL',
      matchRate: 45,
      lastLocationTime: expect.stringMatching(RFC3339),
    });
    const stale = expectVerifyLocationResponse(
      await verify(await twoLegged(), {
        device: { phoneNumber: STALE_NUMBER },
        area: circle(BARCELONA, 5000),
      }),
    );
    expect(stale.verificationResult).toBe('TRUE');
    const age = Date.now() - Date.parse(String(stale.lastLocationTime));
    expect(age).toBeGreaterThanOrEqual(3_599_000);
  });

  it('@location_verification_03_known_location_for_device_with_maxAge: lastLocationTime within maxAge', async () => {
    for (const maxAge of [0, 60]) {
      const sent = Date.now();
      const json = expectVerifyLocationResponse(
        await verify(await threeLegged(), { area: AROUND_MADRID, maxAge }),
      );
      expect(json.verificationResult).toBe('TRUE');
      expect(sent - Date.parse(String(json.lastLocationTime))).toBeLessThanOrEqual(
        maxAge * 1000 + 1000,
      );
    }
    const stale = expectVerifyLocationResponse(
      await verify(await twoLegged(), {
        device: { phoneNumber: STALE_NUMBER },
        area: circle(BARCELONA, 5000),
        maxAge: 7200,
      }),
    );
    expect(stale.verificationResult).toBe('TRUE');
  });

  it('@location_verification_04_false_location_for_device', async () => {
    const json = expectVerifyLocationResponse(
      await verify(await threeLegged(), { area: circle(BARCELONA, 50_000) }),
    );
    expect(json.verificationResult).toBe('FALSE');
    expect(json).not.toHaveProperty('matchRate');
  });
});

describe('location-verification.feature: device identifiers', () => {
  it('@location_verification_C01.01_device_empty → 400 INVALID_ARGUMENT', async () => {
    expectError(
      await verify(await twoLegged(), { device: {}, area: AROUND_MADRID }),
      400,
      'INVALID_ARGUMENT',
    );
  });

  it.each([
    ['$.device.phoneNumber', { phoneNumber: '346001000005' }],
    ['$.device.ipv4Address', { ipv4Address: { publicAddress: '127.10.0.5' } }],
    ['$.device.ipv6Address', { ipv6Address: '127.10.0.5' }],
    ['$.device.networkAccessIdentifier', { networkAccessIdentifier: 42 }],
  ])(
    '@location_verification_C01.02_device_identifiers_not_schema_compliant: %s → 400 INVALID_ARGUMENT',
    async (_property, device) => {
      expectError(
        await verify(await twoLegged(), { device, area: AROUND_MADRID }),
        400,
        'INVALID_ARGUMENT',
      );
    },
  );

  it('@location_verification_C01.03_device_not_found → 404 IDENTIFIER_NOT_FOUND', async () => {
    const token = await twoLegged();
    for (const device of [
      { phoneNumber: '+14155550100' },
      { ipv4Address: { publicAddress: '198.51.100.7', publicPort: 4000 } },
      { ipv6Address: '2001:db8::1' },
    ])
      expectError(
        await verify(token, { device, area: AROUND_MADRID }),
        404,
        'IDENTIFIER_NOT_FOUND',
      );
  });

  it('@location_verification_C02.04_unnecessary_device → 422 UNNECESSARY_IDENTIFIER', async () => {
    expectError(
      await verify(await threeLegged(), {
        device: { phoneNumber: MADRID_NUMBER },
        area: AROUND_MADRID,
      }),
      422,
      'UNNECESSARY_IDENTIFIER',
    );
  });

  it('@location_verification_C01.05_missing_device → 422 MISSING_IDENTIFIER', async () => {
    expectError(
      await verify(await twoLegged(), { area: AROUND_MADRID }),
      422,
      'MISSING_IDENTIFIER',
    );
  });

  it('@location_verification_C01.06_unsupported_device: networkAccessIdentifier only → 422 UNSUPPORTED_IDENTIFIER', async () => {
    expectError(
      await verify(await twoLegged(), {
        device: { networkAccessIdentifier: '123456789@domain.com' },
        area: AROUND_MADRID,
      }),
      422,
      'UNSUPPORTED_IDENTIFIER',
    );
  });

  it('@location_verification_C01.07_device_not_supported → 422 SERVICE_NOT_APPLICABLE', async () => {
    expectError(
      await verify(await twoLegged(), {
        device: { phoneNumber: NOT_APPLICABLE_NUMBER },
        area: AROUND_MADRID,
      }),
      422,
      'SERVICE_NOT_APPLICABLE',
    );
  });

  it('uses one identifier of several, phoneNumber first, and returns it (DeviceResponse)', async () => {
    const token = await twoLegged();
    const both = await verify(token, {
      device: {
        networkAccessIdentifier: 'x@example.org',
        ipv4Address: { publicAddress: UNLOCATED_DEVICE, publicPort: 1 },
        phoneNumber: MADRID_NUMBER,
      },
      area: AROUND_MADRID,
    });
    expect(expectVerifyLocationResponse(both)).toMatchObject({
      verificationResult: 'TRUE',
      device: { phoneNumber: MADRID_NUMBER },
    });
    const ipv4 = { publicAddress: MADRID_DEVICE, publicPort: 40_000 };
    const byAddress = await verify(token, { device: { ipv4Address: ipv4 }, area: AROUND_MADRID });
    expect(expectVerifyLocationResponse(byAddress)).toMatchObject({
      verificationResult: 'TRUE',
      device: { ipv4Address: ipv4 },
    });
    // ::1 is +34600000001 on sandbox-a, a line without a known location.
    expectError(
      await verify(token, { device: { ipv6Address: '::1' }, area: AROUND_MADRID }),
      422,
      'LOCATION_VERIFICATION.UNABLE_TO_LOCATE',
    );
  });
});

describe('location-verification.feature: 400', () => {
  it('@location_verification_400.1_no_request_body', async () => {
    expectError(await verify(await threeLegged(), undefined), 400, 'INVALID_ARGUMENT');
  });

  it('@location_verification_400.2_empty_request_body', async () => {
    expectError(await verify(await threeLegged(), {}), 400, 'INVALID_ARGUMENT');
  });

  it.each([
    ['$.area.areaType', { area: { ...AROUND_MADRID, areaType: 'POLYGON' } }],
    ['$.area.center.latitude', { area: circle({ latitude: 90.5, longitude: 0 }, 2000) }],
    [
      '$.area.center.longitude',
      { area: circle({ latitude: 0, longitude: '-3.7' as never }, 2000) },
    ],
    ['$.area.radius', { area: { ...AROUND_MADRID, radius: 0 } }],
    ['$.maxAge', { area: AROUND_MADRID, maxAge: 'sixty' }],
  ])(
    '@location_verification_400.3_other_input_properties_schema_not_compliant: %s',
    async (_property, body) => {
      expectError(await verify(await threeLegged(), body), 400, 'INVALID_ARGUMENT');
    },
  );

  it.each([
    ['$.area', { maxAge: 60 }],
    ['$.area.areaType', { area: { center: MADRID, radius: 2000 } }],
    ['$.area.center', { area: { areaType: 'CIRCLE', radius: 2000 } }],
    ['$.area.center.latitude', { area: circle({ longitude: 0 } as never, 2000) }],
    ['$.area.center.longitude', { area: circle({ latitude: 0 } as never, 2000) }],
    ['$.area.radius', { area: { areaType: 'CIRCLE', center: MADRID } }],
  ])(
    '@location_verification_400.4_required_input_properties_missing: %s',
    async (_property, body) => {
      expectError(await verify(await threeLegged(), body), 400, 'INVALID_ARGUMENT');
    },
  );

  it('a negative maxAge → 400 OUT_OF_RANGE; malformed JSON → 400 INVALID_ARGUMENT', async () => {
    expectError(
      await verify(await threeLegged(), { area: AROUND_MADRID, maxAge: -1 }),
      400,
      'OUT_OF_RANGE',
    );
    expectError(await verify(await threeLegged(), '{"area":'), 400, 'INVALID_ARGUMENT');
  });
});

describe('location-verification.feature: 401 and 403', () => {
  it('@location_verification_401.1_no_authorization_header', async () => {
    const res = await verify(undefined, { area: AROUND_MADRID });
    expectError(res, 401, 'UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('@location_verification_401.2_expired_access_token', async () => {
    const token = await threeLegged();
    clock.offset = 301_000;
    try {
      expectError(await verify(token, { area: AROUND_MADRID }), 401, 'UNAUTHENTICATED');
    } finally {
      clock.offset = 0;
    }
  });

  it('@location_verification_401.3_invalid_access_token', async () => {
    const res = await verify('not-a-token-of-this-operator', { area: AROUND_MADRID });
    expectError(res, 401, 'UNAUTHENTICATED');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('@location_verification_403_missing_scope', async () => {
    const token = await threeLegged(MADRID_DEVICE, 'number-verification:verify');
    expectError(await verify(token, { area: AROUND_MADRID }), 403, 'PERMISSION_DENIED');
  });
});

describe('location-verification.feature: 422', () => {
  it('@location_verification_422.1_area_not_covered: a centre outside Spain', async () => {
    expectError(
      await verify(await threeLegged(), {
        area: circle({ latitude: 48.8566, longitude: 2.3522 }, 5000),
      }),
      422,
      'LOCATION_VERIFICATION.AREA_NOT_COVERED',
    );
  });

  it('@location_verification_422.2_area_too_small: radius under 1000 m', async () => {
    expectError(
      await verify(await threeLegged(), { area: circle(MADRID, 999) }),
      422,
      'LOCATION_VERIFICATION.INVALID_AREA',
    );
  });

  it('@location_verification_422.3_unable_to_fulfill_max_age: a fix an hour old, maxAge 60', async () => {
    expectError(
      await verify(await twoLegged(), {
        device: { phoneNumber: STALE_NUMBER },
        area: circle(BARCELONA, 5000),
        maxAge: 60,
      }),
      422,
      'LOCATION_VERIFICATION.UNABLE_TO_FULFILL_MAX_AGE',
    );
    // "older than the specified maxAge or not known at all"
    expectError(
      await verify(await threeLegged(UNLOCATED_DEVICE), { area: AROUND_MADRID, maxAge: 60 }),
      422,
      'LOCATION_VERIFICATION.UNABLE_TO_FULFILL_MAX_AGE',
    );
  });

  it('@location_verification_422.4_unknown_location_for_device', async () => {
    expectError(
      await verify(await threeLegged(UNLOCATED_DEVICE), { area: AROUND_MADRID }),
      422,
      'LOCATION_VERIFICATION.UNABLE_TO_LOCATE',
    );
    expectError(
      await verify(await twoLegged(), {
        device: { phoneNumber: UNLOCATED_NUMBER },
        area: AROUND_MADRID,
      }),
      422,
      'LOCATION_VERIFICATION.UNABLE_TO_LOCATE',
    );
  });
});

describe('HTTP details', () => {
  it('answers 405, 406, 415 and 404 as CAMARA errors, and does not spend tokens', async () => {
    const token = await threeLegged();
    const put = await callNv(sandbox.url, PATH, { token, method: 'PUT', body: '{}' });
    expect(put.json).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    const html = await verify(token, { area: AROUND_MADRID }, { accept: 'text/html' });
    expect(html.json).toMatchObject({ status: 406, code: 'NOT_ACCEPTABLE' });
    const text = await verify(token, 'x', { 'content-type': 'text/plain' });
    expect(text.json).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const missing = await callNv(sandbox.url, '/location-verification/v2/verify', {
      token,
      body: '{}',
    });
    expect(missing.json).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    for (let i = 0; i < 2; i += 1)
      expect((await verify(token, { area: AROUND_MADRID })).status).toBe(200);
  });

  it('an invalid x-correlator is a 400 and is not echoed', async () => {
    const res = await verify(
      await threeLegged(),
      { area: AROUND_MADRID },
      { 'x-correlator': 'a b' },
    );
    expect(res.json).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
    expect(res.headers['x-correlator']).toBeUndefined();
  });
});

describe('dpv-hash scope style (sandbox-b)', () => {
  let b: RunningSandbox;
  beforeAll(async () => {
    b = await startInstance('sandbox-b');
  });
  afterAll(() => b.close());

  it('grants dpv:X#location-verification-verify-read; +491700001002 is in Berlin', async () => {
    const d = new DeviceBrowser('127.20.1.2');
    devices.push(d);
    const tokens = await obtainToken(d, b, testerAt('sandbox-b'), {
      redirectUri: TESTER_CALLBACK,
      scope: 'openid dpv:RequestedServiceProvision#location-verification-verify-read',
    });
    const berlin = circle({ latitude: 52.52, longitude: 13.405 }, 3000);
    const res = await callNv(b.url, PATH, {
      token: String(tokens.access_token),
      body: JSON.stringify({ area: berlin }),
    });
    expect(expectVerifyLocationResponse(res).verificationResult).toBe('TRUE');
    const cc = await tokenRequest(b.url, testerAt('sandbox-b'), {
      grant_type: 'client_credentials',
      scope: 'dpv:FraudPreventionAndDetection#location-verification-verify-read',
    });
    const twoLeggedRes = await callNv(b.url, PATH, {
      token: String(cc.json.access_token),
      body: JSON.stringify({ device: { phoneNumber: '+491700001002' }, area: berlin }),
    });
    expect(expectVerifyLocationResponse(twoLeggedRes).device).toEqual({
      phoneNumber: '+491700001002',
    });
    const madrid = await callNv(b.url, PATH, {
      token: String(cc.json.access_token),
      body: JSON.stringify({ device: { phoneNumber: '+491700001002' }, area: AROUND_MADRID }),
    });
    expect(madrid.json).toMatchObject({ code: 'LOCATION_VERIFICATION.AREA_NOT_COVERED' });
  });

  it('refuses the camara-style spelling with invalid_scope (the aggregator must translate)', async () => {
    const d = new DeviceBrowser('127.20.1.4');
    devices.push(d);
    const outcome = await authorize(d, b.url, {
      clientId: 'sandbox-tester',
      redirectUri: TESTER_CALLBACK,
      scope: `openid dpv:RequestedServiceProvision ${SCOPE}`,
    });
    expect(outcome.kind === 'redirect' && outcome.params.get('error')).toBe('invalid_scope');
  });

  it('asks consent for dpv:FraudPreventionAndDetection (consent basis) naming the use', async () => {
    const d = new DeviceBrowser('127.20.1.3');
    devices.push(d);
    const page = await authorize(d, b.url, {
      clientId: 'sandbox-tester',
      redirectUri: TESTER_CALLBACK,
      scope: 'openid dpv:FraudPreventionAndDetection#location-verification-verify-read',
    });
    if (page.kind !== 'page') throw new Error('expected the consent page');
    expect(page.html).toContain('check whether this mobile line is within an area it names');
    const approved = await decide(d, b.url, page.html, 'approve');
    const back = await follow(d, b.url, approved.location!, TESTER_CALLBACK, page.verifier);
    if (back.kind !== 'redirect') throw new Error('expected the redirect back');
    const tokens = await exchange(
      b.url,
      testerAt('sandbox-b'),
      back.params.get('code')!,
      TESTER_CALLBACK,
      page.verifier,
    );
    const res = await callNv(b.url, PATH, {
      token: String(tokens.access_token),
      body: JSON.stringify({ area: circle({ latitude: 52.52, longitude: 13.405 }, 3000) }),
    });
    // +491700001003 is a line of sandbox-b without a known location.
    expect(res.json).toMatchObject({ status: 422, code: 'LOCATION_VERIFICATION.UNABLE_TO_LOCATE' });
  });
});
