import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Clock, RunningSandbox } from '../src/index.js';
import { DeviceBrowser } from '../test-support/device-browser.js';
import {
  FRAUD,
  SANDBOX_CONFIG,
  SWITCHBOARD_CALLBACK,
  callNv,
  decide,
  exchange,
  authorize,
  obtainToken,
  startInstance,
  switchboardAtA,
  switchboardAtB,
  testerAt,
  tokenRequest,
} from '../test-support/sandbox-fixture.js';

// CAMARA SIM Swap 2.1.0, release r3.3: every scenario of code/Test_definitions/
// sim-swap-checkSimSwap.feature and sim-swap-retrieveSimSwapDate.feature (docs/conformance/sim-swap.md).
const HOUR = 3_600_000;
const MINUTE = 60_000;
const CORRELATOR = 'b4333c46-49c0-4f62-80d7-f0ef930f1c46';
const SERVICE_PROVISION = 'dpv:RequestedServiceProvision';
// Demo data (config/sandbox.json `simSwap`): on sandbox-a +346001000007 (device 127.10.0.7)
// changed SIM 30 minutes before start, the others never did within its 90-day window; on
// sandbox-b +491700000007 changed 300 h and +491700000008 12 h before start, every SIM was
// activated 365 days before start, +491700000009 never had a SIM.
const A = { swapped: '+346001000007', never: '+346001000005', notApplicable: '+346001000099' };
const B = {
  swapped300h: '+491700000007',
  swapped12h: '+491700000008',
  never: '+491700000005',
  withoutSim: '+491700000009',
};
const UNKNOWN = '+346009999999';

const devices: DeviceBrowser[] = [];
afterAll(() => Promise.all(devices.map((d) => d.close())));

/** A three-legged token for the subscriber on `address`, with sandbox-a's CAMARA scopes. */
async function threeLegged(sandbox: RunningSandbox, address: string, scope: string) {
  const device = new DeviceBrowser(address);
  devices.push(device);
  const tokens = await obtainToken(device, sandbox, switchboardAtA, {
    redirectUri: SWITCHBOARD_CALLBACK,
    scope: `openid ${FRAUD} ${scope}`,
  });
  return String(tokens.access_token);
}

/** A two-legged (client_credentials) token of the sandbox tester. */
async function twoLegged(sandbox: RunningSandbox, id: 'sandbox-a' | 'sandbox-b', scope: string) {
  const res = await tokenRequest(sandbox.url, testerAt(id), {
    grant_type: 'client_credentials',
    scope,
  });
  expect(res.status).toBe(200);
  return String(res.json.access_token);
}

const BOTH_A = 'sim-swap:check sim-swap:retrieve-date';
const BOTH_B = `${FRAUD}#check-sim-swap ${FRAUD}#retrieve-sim-swap-date`;

function call(
  sandbox: RunningSandbox,
  operation: string,
  token: string | undefined,
  body: unknown,
) {
  return callNv(sandbox.url, `/sim-swap/v2/${operation}`, {
    method: 'POST',
    ...(token ? { token } : {}),
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'x-correlator': CORRELATOR },
  });
}

function expectError(res: Awaited<ReturnType<typeof call>>, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['x-correlator']).toBe(CORRELATOR);
  expect(res.json).toEqual({ status, code, message: expect.any(String) });
  expect(String(res.json!.message).length).toBeGreaterThan(10);
}

describe('SIM Swap 2.1.0 against the demo data', () => {
  const clock: Clock & { offset: number } = { offset: 0, now: () => Date.now() + clock.offset };
  let a: RunningSandbox;
  let b: RunningSandbox;
  let startedA: [number, number];
  let startedB: [number, number];
  let a3: string; // three-legged, +346001000007, both scopes
  let a3Never: string; // three-legged, +346001000005, both scopes
  let a2: string; // two-legged at sandbox-a
  let b2: string; // two-legged at sandbox-b (dpv-hash scopes)

  beforeAll(async () => {
    const before = Date.now();
    a = await startInstance('sandbox-a', {}, { clock });
    startedA = [before, Date.now()];
    b = await startInstance('sandbox-b', {}, { clock });
    startedB = [startedA[1], Date.now()];
    a3 = await threeLegged(a, '127.10.0.7', BOTH_A);
    a3Never = await threeLegged(a, '127.10.0.5', BOTH_A);
    a2 = await twoLegged(a, 'sandbox-a', `${FRAUD} ${BOTH_A}`);
    b2 = await twoLegged(b, 'sandbox-b', BOTH_B);
  });
  afterAll(() => Promise.all([a.close(), b.close()]));

  describe('checkSimSwap', () => {
    it('@check_sim_swap_1_generic_success_scenario: 200, JSON, x-correlator echoed, CheckSimSwapInfo', async () => {
      for (const res of [
        await call(a, 'check', a3, {}),
        await call(a, 'check', a2, { phoneNumber: A.swapped }),
      ]) {
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.headers['x-correlator']).toBe(CORRELATOR);
        expect(res.json).toEqual({ swapped: expect.any(Boolean) });
      }
    });

    it('@check_sim_swap_2_valid_sim_swap_no_max_age: swapped in the last 240 h, default maxAge → true', async () => {
      expect((await call(a, 'check', a3, {})).json).toEqual({ swapped: true });
      expect((await call(b, 'check', b2, { phoneNumber: B.swapped12h })).json).toEqual({
        swapped: true,
      });
    });

    it('@check_sim_swap_4_more_than_240_hours: swapped more than 240 h ago, default maxAge → false', async () => {
      expect((await call(b, 'check', b2, { phoneNumber: B.swapped300h })).json).toEqual({
        swapped: false,
      });
      expect(
        (await call(b, 'check', b2, { phoneNumber: B.swapped300h, maxAge: 301 })).json,
      ).toEqual({ swapped: true });
    });

    it('@check_sim_swap_5_out_of_max_age: maxAge = hours since the last swap minus 1 → false', async () => {
      expect((await call(b, 'check', b2, { phoneNumber: B.swapped12h, maxAge: 11 })).json).toEqual({
        swapped: false,
      });
      expect((await call(b, 'check', b2, { phoneNumber: B.swapped12h, maxAge: 13 })).json).toEqual({
        swapped: true,
      });
    });

    it('@check_sim_swap_6_no_sim_swap_no_max_age: never swapped, activated over 240 h ago → false', async () => {
      expect((await call(b, 'check', b2, { phoneNumber: B.never })).json).toEqual({
        swapped: false,
      });
      expect((await call(a, 'check', a3Never, {})).json).toEqual({ swapped: false });
    });

    it.each([260, 120, 24, 12])(
      '@check_sim_swap_7_no_sim_swap_with_max_age: never swapped, activated over %i h ago, maxAge below → false',
      async (hours) => {
        const res = await call(b, 'check', b2, { phoneNumber: B.never, maxAge: hours - 1 });
        expect(res.json).toEqual({ swapped: false });
        expect((await call(a, 'check', a3Never, { maxAge: hours - 1 })).json).toEqual({
          swapped: false,
        });
      },
    );

    it('@check_sim_swap_401.1_no_authorization_header', async () => {
      expectError(
        await call(a, 'check', undefined, { phoneNumber: A.swapped }),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('@check_sim_swap_401.3_invalid_access_token', async () => {
      expectError(await call(a, 'check', 'not-a-token', { maxAge: 24 }), 401, 'UNAUTHENTICATED');
    });

    it('@check_sim_swap_400.1_invalid_max_age: maxAge not per schema → 400 INVALID_ARGUMENT', async () => {
      for (const maxAge of ['24', 1.5, null, true]) {
        expectError(await call(a, 'check', a3, { maxAge }), 400, 'INVALID_ARGUMENT');
      }
    });

    it('@check_sim_swap_400.2_invalid_max_age_value: maxAge 100000 → 400 OUT_OF_RANGE', async () => {
      expectError(await call(a, 'check', a3, { maxAge: 100000 }), 400, 'OUT_OF_RANGE');
      expectError(
        await call(b, 'check', b2, { phoneNumber: B.never, maxAge: 0 }),
        400,
        'OUT_OF_RANGE',
      );
    });

    it("@check_sim_swap_400.3_max_age_out_of_monitored_period: sandbox-a's 90 days = 2160 h", async () => {
      const res = await call(a, 'check', a3, { maxAge: 2161 });
      expectError(res, 400, 'OUT_OF_RANGE');
      expect(res.json!.message).toBe(
        'Check monitor period could not exceed local regulations (90 days).',
      );
      expect((await call(a, 'check', a3, { maxAge: 2160 })).status).toBe(200);
      // sandbox-b keeps unlimited history: the whole schema range is allowed.
      expect((await call(b, 'check', b2, { phoneNumber: B.never, maxAge: 2400 })).status).toBe(200);
    });

    it('@check_sim_swap_C02.01_phone_number_not_schema_compliant → 400 INVALID_ARGUMENT', async () => {
      for (const phoneNumber of ['346001000007', '+0346001000007', '+34 600', 346001000007]) {
        expectError(await call(a, 'check', a2, { phoneNumber }), 400, 'INVALID_ARGUMENT');
      }
    });

    it('@check_sim_swap_C02.02_phone_number_not_found → 404 IDENTIFIER_NOT_FOUND', async () => {
      expectError(
        await call(a, 'check', a2, { phoneNumber: UNKNOWN }),
        404,
        'IDENTIFIER_NOT_FOUND',
      );
      // sandbox-b's subscribers are not sandbox-a's.
      expectError(
        await call(a, 'check', a2, { phoneNumber: B.never }),
        404,
        'IDENTIFIER_NOT_FOUND',
      );
    });

    it('@check_sim_swap_C02.03_unnecessary_phone_number → 422 UNNECESSARY_IDENTIFIER', async () => {
      // Even the token's own number (spec: the server does not compare them).
      expectError(
        await call(a, 'check', a3, { phoneNumber: A.swapped }),
        422,
        'UNNECESSARY_IDENTIFIER',
      );
    });

    it('@check_sim_swap_C02.04_missing_phone_number → 422 MISSING_IDENTIFIER', async () => {
      expectError(await call(a, 'check', a2, { maxAge: 24 }), 422, 'MISSING_IDENTIFIER');
    });

    it('@check_sim_swap_C02.05_phone_number_not_supported → 422 SERVICE_NOT_APPLICABLE', async () => {
      expectError(
        await call(a, 'check', a2, { phoneNumber: A.notApplicable }),
        422,
        'SERVICE_NOT_APPLICABLE',
      );
    });
  });

  describe('retrieveSimSwapDate', () => {
    it('@retrieve_sim_swap_date_1_generic_success_scenario: 200, JSON, x-correlator echoed, SimSwapInfo', async () => {
      for (const res of [
        await call(a, 'retrieve-date', a3, {}),
        await call(a, 'retrieve-date', a3Never, {}),
        await call(b, 'retrieve-date', b2, { phoneNumber: B.never }),
      ]) {
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.headers['x-correlator']).toBe(CORRELATOR);
        const { latestSimChange, monitoredPeriod, ...rest } = res.json!;
        expect(rest).toEqual({});
        if (latestSimChange !== null) expect(latestSimChange).toMatch(/Z$/);
        if (monitoredPeriod !== undefined) expect(Number.isInteger(monitoredPeriod)).toBe(true);
      }
    });

    it('@retrieve_sim_swap_date_2_valid_sim_swap: the latest SIM change, 30 min before start', async () => {
      const res = await call(a, 'retrieve-date', a3, {});
      expect(res.json).toEqual({ latestSimChange: expect.any(String) });
      const at = Date.parse(String(res.json!.latestSimChange));
      expect(at).toBeGreaterThanOrEqual(startedA[0] - 30 * MINUTE);
      expect(at).toBeLessThanOrEqual(startedA[1] - 30 * MINUTE);
      const twoLeggedB = await call(b, 'retrieve-date', b2, { phoneNumber: B.swapped300h });
      const atB = Date.parse(String(twoLeggedB.json!.latestSimChange));
      expect(atB).toBeGreaterThanOrEqual(startedB[0] - 300 * HOUR);
      expect(atB).toBeLessThanOrEqual(startedB[1] - 300 * HOUR);
    });

    it('@retrieve_sim_swap_date_3_no_sim_swap_returns_activation_date: sandbox-b (unlimited history)', async () => {
      const res = await call(b, 'retrieve-date', b2, { phoneNumber: B.never });
      const at = Date.parse(String(res.json!.latestSimChange));
      expect(at).toBeGreaterThanOrEqual(startedB[0] - 365 * 24 * HOUR);
      expect(at).toBeLessThanOrEqual(startedB[1] - 365 * 24 * HOUR);
      expect(res.json!.monitoredPeriod).toBeUndefined();
    });

    it('@retrieve_sim_swap_date_4_sim_never_associated: latestSimChange null', async () => {
      expect((await call(b, 'retrieve-date', b2, { phoneNumber: B.withoutSim })).json).toEqual({
        latestSimChange: null,
      });
      expect((await call(b, 'check', b2, { phoneNumber: B.withoutSim })).json).toEqual({
        swapped: false,
      });
    });

    it('@retrieve_sim_swap_date_5_no_sim_swap_or_activation_date_due_to_legal_constrain: null with monitoredPeriod', async () => {
      expect((await call(a, 'retrieve-date', a3Never, {})).json).toEqual({
        latestSimChange: null,
        monitoredPeriod: 90,
      });
      expect((await call(a, 'retrieve-date', a2, { phoneNumber: A.never })).json).toEqual({
        latestSimChange: null,
        monitoredPeriod: 90,
      });
    });

    it('@retrieve_sim_swap_date_401.1_no_authorization_header', async () => {
      expectError(await call(a, 'retrieve-date', undefined, {}), 401, 'UNAUTHENTICATED');
    });

    it('@retrieve_sim_swap_date_401.3_invalid_access_token', async () => {
      expectError(await call(b, 'retrieve-date', `${b2}x`, {}), 401, 'UNAUTHENTICATED');
    });

    it('@retrieve_sim_swap_date_C02.01_phone_number_not_schema_compliant → 400 INVALID_ARGUMENT', async () => {
      for (const phoneNumber of ['491700000005', '+4917', '', ['+491700000005']]) {
        expectError(await call(b, 'retrieve-date', b2, { phoneNumber }), 400, 'INVALID_ARGUMENT');
      }
    });

    it('@retrieve_sim_swap_date_C02.02_phone_number_not_found → 404 IDENTIFIER_NOT_FOUND', async () => {
      expectError(
        await call(b, 'retrieve-date', b2, { phoneNumber: A.swapped }),
        404,
        'IDENTIFIER_NOT_FOUND',
      );
      // A derived number whose groups are no address of the range (256 > 255).
      expectError(
        await call(b, 'retrieve-date', b2, { phoneNumber: '+491700000256' }),
        404,
        'IDENTIFIER_NOT_FOUND',
      );
    });

    it('@retrieve_sim_swap_date_C02.03_unnecessary_phone_number → 422 UNNECESSARY_IDENTIFIER', async () => {
      expectError(
        await call(a, 'retrieve-date', a3, { phoneNumber: A.never }),
        422,
        'UNNECESSARY_IDENTIFIER',
      );
    });

    it('@retrieve_sim_swap_date_C02.04_missing_phone_number → 422 MISSING_IDENTIFIER', async () => {
      expectError(await call(b, 'retrieve-date', b2, {}), 422, 'MISSING_IDENTIFIER');
    });

    it('@retrieve_sim_swap_date_C02.05_phone_number_not_supported → 422 SERVICE_NOT_APPLICABLE', async () => {
      expectError(
        await call(b, 'retrieve-date', b2, { phoneNumber: '+491700000099' }),
        422,
        'SERVICE_NOT_APPLICABLE',
      );
    });
  });

  describe('expired tokens (the test clock moves past the 300 s token lifetime)', () => {
    afterAll(() => {
      clock.offset = 0;
    });

    it('@check_sim_swap_401.2_expired_access_token and @retrieve_sim_swap_date_401.2_expired_access_token', async () => {
      clock.offset = 301_000;
      expectError(await call(a, 'check', a3, {}), 401, 'UNAUTHENTICATED');
      expectError(
        await call(b, 'retrieve-date', b2, { phoneNumber: B.never }),
        401,
        'UNAUTHENTICATED',
      );
    });
  });
});

describe('SIM Swap: scopes, time and HTTP', () => {
  const clock: Clock & { offset: number } = { offset: 0, now: () => Date.now() + clock.offset };
  let a: RunningSandbox;
  let b: RunningSandbox;
  beforeAll(async () => {
    a = await startInstance(
      'sandbox-a',
      {
        simSwap: {
          monitoredPeriodDays: 90,
          simChanges: [
            { msisdn: '+346001000010', minutesBeforeStart: 259 * 60 },
            { msisdn: '+346001000011', minutesBeforeStart: 119 * 60 },
            { msisdn: '+346001000012', minutesBeforeStart: 23 * 60 },
            { msisdn: '+346001000013', minutesBeforeStart: 11 * 60 },
            { msisdn: '+346001000014', minutesBeforeStart: 91 * 24 * 60 },
            { msisdn: '+346001000014', minutesBeforeStart: 95 * 24 * 60 },
          ],
        },
      },
      { clock },
    );
    // sandbox-b believes it started 241 hours ago: its clock runs 241 h behind while starting.
    clock.offset = -241 * HOUR;
    b = await startInstance('sandbox-b', {}, { clock });
    clock.offset = 0;
  });
  afterAll(() => Promise.all([a.close(), b.close()]));

  it.each([
    [260, '+346001000010', '127.10.0.10'],
    [120, '+346001000011', '127.10.0.11'],
    [24, '+346001000012', '127.10.0.12'],
    [12, '+346001000013', '127.10.0.13'],
  ])(
    '@check_sim_swap_3_valid_sim_swap_max_age: swapped in the last %i h, maxAge = that → true',
    async (hours, msisdn, address) => {
      const token = await twoLegged(a, 'sandbox-a', `${FRAUD} sim-swap:check`);
      expect((await call(a, 'check', token, { phoneNumber: msisdn, maxAge: hours })).json).toEqual({
        swapped: true,
      });
      const own = await threeLegged(a, address, 'sim-swap:check');
      expect((await call(a, 'check', own, { maxAge: hours + 1 })).json).toEqual({ swapped: true });
      expect((await call(a, 'check', own, { maxAge: hours - 2 })).json).toEqual({ swapped: false });
    },
  );

  it('@retrieve_sim_swap_date_5 (swap before the window): a change 91 days ago is null with monitoredPeriod', async () => {
    const token = await twoLegged(a, 'sandbox-a', `${FRAUD} sim-swap:retrieve-date`);
    expect((await call(a, 'retrieve-date', token, { phoneNumber: '+346001000014' })).json).toEqual({
      latestSimChange: null,
      monitoredPeriod: 90,
    });
  });

  it('times are relative to the start: 241 h after sandbox-b started, its 12 h swap is 253 h old', async () => {
    const token = await twoLegged(b, 'sandbox-b', BOTH_B);
    expect((await call(b, 'check', token, { phoneNumber: B.swapped12h })).json).toEqual({
      swapped: false,
    });
    expect(
      (await call(b, 'check', token, { phoneNumber: B.swapped12h, maxAge: 254 })).json,
    ).toEqual({ swapped: true });
  });

  it('a dpv-hash three-legged token (sandbox-b) identifies its subscriber', async () => {
    const device = new DeviceBrowser('127.20.0.8');
    devices.push(device);
    const tokens = await obtainToken(device, b, switchboardAtB, {
      redirectUri: SWITCHBOARD_CALLBACK,
      scope: `openid ${SERVICE_PROVISION}#check-sim-swap`,
    });
    const token = String(tokens.access_token);
    expect(String(tokens.scope).split(' ')).toContain(`${SERVICE_PROVISION}#check-sim-swap`);
    expect((await call(b, 'check', token, { maxAge: 254 })).json).toEqual({ swapped: true });
    expectError(await call(b, 'retrieve-date', token, {}), 403, 'PERMISSION_DENIED');
  });

  it("sandbox-b's consent page names the SIM Swap uses; the approved token answers", async () => {
    const device = new DeviceBrowser('127.20.0.7');
    devices.push(device);
    const page = await authorize(device, b.url, {
      clientId: 'switchboard',
      redirectUri: SWITCHBOARD_CALLBACK,
      scope: `openid ${BOTH_B}`,
    });
    if (page.kind !== 'page') throw new Error('expected the consent page');
    expect(page.html).toContain('check whether the SIM card of this mobile line changed recently');
    expect(page.html).toContain('learn when the SIM card of this mobile line last changed');
    const decided = await decide(device, b.url, page.html, 'approve');
    const back = await device.navigate(decided.location!, new URL(b.url).origin);
    const code = new URL(back.response.location!).searchParams.get('code')!;
    const tokens = await exchange(b.url, switchboardAtB, code, SWITCHBOARD_CALLBACK, page.verifier);
    const token = String(tokens.access_token);
    // +491700000007 changed SIM 300 h before a start that was 241 h ago.
    expect((await call(b, 'check', token, { maxAge: 2400 })).json).toEqual({ swapped: true });
    expect((await call(b, 'check', token, { maxAge: 540 })).json).toEqual({ swapped: false });
  });

  it('403 PERMISSION_DENIED without the operation scope (an NV token, the other operation)', async () => {
    const checkOnly = await twoLegged(a, 'sandbox-a', `${FRAUD} sim-swap:check`);
    expectError(
      await call(a, 'retrieve-date', checkOnly, { phoneNumber: A.never }),
      403,
      'PERMISSION_DENIED',
    );
    const nv = await twoLegged(a, 'sandbox-a', `${FRAUD} number-verification:verify`);
    expectError(await call(a, 'check', nv, { phoneNumber: A.never }), 403, 'PERMISSION_DENIED');
  });

  it('the token is not spent: SIM Swap calls are not single use', async () => {
    const token = await twoLegged(a, 'sandbox-a', `${FRAUD} sim-swap:check`);
    for (let i = 0; i < 3; i += 1)
      expect((await call(a, 'check', token, { phoneNumber: A.never })).status).toBe(200);
  });

  it('HTTP: 405 on other methods, 404 elsewhere, 415, 406, 400 for bad JSON, no body, a bad x-correlator', async () => {
    const token = await twoLegged(a, 'sandbox-a', `${FRAUD} ${BOTH_A}`);
    const get = await callNv(a.url, '/sim-swap/v2/check', { method: 'GET', token });
    expect(get.json).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    const unknown = await callNv(a.url, '/sim-swap/v1/check', {
      method: 'POST',
      token,
      body: '{}',
    });
    expect(unknown.json).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const text = await callNv(a.url, '/sim-swap/v2/check', {
      method: 'POST',
      token,
      body: '{}',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.json).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const xml = await callNv(a.url, '/sim-swap/v2/check', {
      method: 'POST',
      token,
      body: '{}',
      headers: { accept: 'application/xml' },
    });
    expect(xml.json).toMatchObject({ status: 406, code: 'NOT_ACCEPTABLE' });
    expectError(await call(a, 'check', token, '{"maxAge":'), 400, 'INVALID_ARGUMENT');
    const empty = await callNv(a.url, '/sim-swap/v2/retrieve-date', { method: 'POST', token });
    expect(empty.json).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
    const badCorrelator = await callNv(a.url, '/sim-swap/v2/check', {
      method: 'POST',
      token,
      body: '{"phoneNumber":"+346001000005"}',
      headers: { 'x-correlator': 'bad correlator!' },
    });
    expect(badCorrelator.json).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
    expect(badCorrelator.headers['x-correlator']).toBeUndefined();
  });
});

it('config/sandbox.json has the demo SIM Swap data the docs describe', () => {
  const a = SANDBOX_CONFIG.instances.find((i) => i.id === 'sandbox-a')!.simSwap;
  expect(a?.simChanges).toEqual([{ msisdn: '+346001000007', minutesBeforeStart: 30 }]);
  expect(a?.monitoredPeriodDays).toBe(90);
});
