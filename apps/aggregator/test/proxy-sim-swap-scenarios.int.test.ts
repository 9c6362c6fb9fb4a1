import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { aggregatorTokenAudience, readAggregatorAccessToken } from '@switchboard/tokens';
import { mintAggregatorAccessToken } from '@switchboard/tokens/test-support';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';
import { registerApp, type AppClient } from '../test-support/core-fixture.js';

// Every scenario of the CAMARA SIM Swap 2.1.0 (r3.3) test definitions
// (sim-swap-checkSimSwap.feature, sim-swap-retrieveSimSwapDate.feature) that applies to an app's
// three-legged AggregatorAccessToken, through the aggregator, against sandbox-a (camara scope
// style, 90-day limited history) and sandbox-b (dpv-hash style, unlimited history) where the
// scenario's data exists there. The scenarios that need a two-legged token (C02.01, C02.02,
// C02.04) are sandbox-direct only. Demo data: config/sandbox.json `simSwap`, SIM changes
// relative to each sandbox's start (docs/conformance/sim-swap.md).
const HOUR = 3_600_000;
const MINUTE = 60_000;
let s: CoreStack;
let app: AppClient;
let started: [number, number]; // the sandboxes started within these bounds
beforeAll(async () => {
  const before = Date.now();
  s = await startCoreStack();
  started = [before, Date.now()];
  app = await registerApp(s.agg, 'secret', ['sim-swap:check', 'sim-swap:retrieve-date']);
}, 60_000);
afterAll(() => s.stop());

const FRAUD = 'dpv:FraudPreventionAndDetection';
// sandbox-b asks consent for fraud prevention; its legitimate-interest purpose needs none.
const SERVICE = 'dpv:RequestedServiceProvision';
const BOTH = 'sim-swap:check sim-swap:retrieve-date';
const CORRELATOR = 'sim-swap-scenario-1';

const tokenFor = (address: string, scope: string) => s.accessToken(address, app, scope);

async function call(
  operation: 'check' | 'retrieve-date',
  token: string | undefined,
  body: unknown,
) {
  const res = await fetch(`${s.agg.publicUrl}/sim-swap/v2/${operation}`, {
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
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const error = (status: number, code: string) => ({
  status,
  json: { status, code, message: expect.stringMatching(/\w{3,} \w+/) },
});

/** A copy of a valid AggregatorAccessToken that expired a minute ago (same claims, same keys). */
async function expiredCopy(token: string): Promise<string> {
  const keyring = await s.agg.keys.tokenKeyring();
  const claims = await readAggregatorAccessToken(token, {
    keyring,
    issuer: s.agg.issuer,
    audience: aggregatorTokenAudience(s.agg.issuer),
  });
  const past = Math.floor(Date.now() / 1000) - 60;
  return mintAggregatorAccessToken({ ...claims, iat: past - 60, exp: past }, keyring);
}

/** A valid token with one character of its last-but-one segment changed. */
function tampered(token: string): string {
  const i = token.lastIndexOf('.') - 5;
  return `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
}

describe('401 from Switchboard itself (no token: no operator is called)', () => {
  it('@check_sim_swap_401.1_no_authorization_header', async () => {
    expect(await call('check', undefined, { maxAge: 24 })).toEqual(error(401, 'UNAUTHENTICATED'));
  });

  it('@retrieve_sim_swap_date_401.1_no_authorization_header', async () => {
    expect(await call('retrieve-date', undefined, {})).toEqual(error(401, 'UNAUTHENTICATED'));
  });
});

describe.each([
  {
    operator: 'sandbox-a (camara)',
    purpose: FRAUD,
    limitedHistory: true, // monitoredPeriodDays 90
    swapped: { address: '127.10.0.7', minutesBeforeStart: 30 }, // +346001000007
    never: '127.10.0.5', // +346001000005: no change known within 90 days
    notApplicable: '127.10.0.99', // +346001000099
    otherNumber: '+346001000005',
  },
  {
    operator: 'sandbox-b (dpv-hash)',
    purpose: SERVICE,
    limitedHistory: false, // every SIM activated 365 days before start
    swapped: { address: '127.20.0.8', minutesBeforeStart: 720 }, // +491700000008
    never: '127.20.0.5', // +491700000005: never swapped
    notApplicable: '127.20.0.99', // +491700000099
    otherNumber: '+491700000005',
  },
])('SIM Swap through the aggregator at $operator', (o) => {
  const token = (address: string, scope = BOTH) =>
    tokenFor(address, `openid ${o.purpose} ${scope}`);

  it('@check_sim_swap_1_generic_success_scenario: 200, JSON, x-correlator echoed, CheckSimSwapInfo', async () => {
    for (const address of [o.swapped.address, o.never]) {
      const res = await call('check', await token(address), {});
      expect(res).toEqual({ status: 200, json: { swapped: expect.any(Boolean) } });
    }
  });

  it('@check_sim_swap_2_valid_sim_swap_no_max_age: swapped in the last 240 h, default maxAge → true', async () => {
    const res = await call('check', await token(o.swapped.address), {});
    expect(res).toEqual({ status: 200, json: { swapped: true } });
  });

  // The demo swap is 30 min (sandbox-a) or 12 h (sandbox-b) old: sandbox-b has no line
  // swapped within the last 12 hours.
  it.each([260, 120, 24, 12].filter((hours) => hours * 60 > o.swapped.minutesBeforeStart))(
    '@check_sim_swap_3_valid_sim_swap_max_age (hours %i): swapped within them, maxAge = hours → true',
    async (hours) => {
      const res = await call('check', await token(o.swapped.address), { maxAge: hours });
      expect(res).toEqual({ status: 200, json: { swapped: true } });
    },
  );

  if (!o.limitedHistory) {
    it('@check_sim_swap_4_more_than_240_hours: +491700000007 swapped 300 h ago, default maxAge → false', async () => {
      const t = await token('127.20.0.7');
      expect(await call('check', t, {})).toEqual({ status: 200, json: { swapped: false } });
      expect(await call('check', t, { maxAge: 301 })).toEqual({
        status: 200,
        json: { swapped: true },
      });
    });

    it('@check_sim_swap_5_out_of_max_age: maxAge = hours since the last swap minus 1 → false', async () => {
      // +491700000008 changed SIM 12 h (and a little) ago, +491700000007 300 h ago.
      const recent = await call('check', await token('127.20.0.8'), { maxAge: 11 });
      expect(recent).toEqual({ status: 200, json: { swapped: false } });
      const old = await call('check', await token('127.20.0.7'), { maxAge: 299 });
      expect(old).toEqual({ status: 200, json: { swapped: false } });
    });
  }

  it('@check_sim_swap_6_no_sim_swap_no_max_age: never swapped, activated over 240 h ago → false', async () => {
    expect(await call('check', await token(o.never), {})).toEqual({
      status: 200,
      json: { swapped: false },
    });
  });

  it.each([260, 120, 24, 12])(
    '@check_sim_swap_7_no_sim_swap_with_max_age (hours %i): never swapped, maxAge = hours - 1 → false',
    async (hours) => {
      const res = await call('check', await token(o.never), { maxAge: hours - 1 });
      expect(res).toEqual({ status: 200, json: { swapped: false } });
    },
  );

  it.each([
    ['@check_sim_swap_401.2_expired_access_token', 'check'],
    ['@retrieve_sim_swap_date_401.2_expired_access_token', 'retrieve-date'],
  ] as const)(
    '%s: an expired AggregatorAccessToken is refused by Switchboard (401); the fresh one answers',
    async (_id, operation) => {
      const fresh = await token(o.swapped.address);
      expect(await call(operation, await expiredCopy(fresh), {})).toEqual(
        error(401, 'UNAUTHENTICATED'),
      );
      expect((await call(operation, fresh, {})).status).toBe(200);
    },
  );

  it.each([
    ['@check_sim_swap_401.3_invalid_access_token', 'check'],
    ['@retrieve_sim_swap_date_401.3_invalid_access_token', 'retrieve-date'],
  ] as const)(
    '%s: a tampered AggregatorAccessToken or a non-token → 401 from Switchboard',
    async (_id, operation) => {
      const fresh = await token(o.swapped.address);
      for (const bearer of [tampered(fresh), 'not-a-token']) {
        expect(await call(operation, bearer, {})).toEqual(error(401, 'UNAUTHENTICATED'));
      }
    },
  );

  it("@check_sim_swap_400.1_invalid_max_age: maxAge not per schema → 400 INVALID_ARGUMENT (before the operator, with the operator's code)", async () => {
    const t = await token(o.swapped.address, 'sim-swap:check');
    for (const maxAge of ['a day', 1.5, null, true]) {
      expect(await call('check', t, { maxAge })).toEqual(error(400, 'INVALID_ARGUMENT'));
    }
    expect((await call('check', t, {})).status).toBe(200);
  });

  it('@check_sim_swap_400.2_invalid_max_age_value: maxAge 100000 → 400 OUT_OF_RANGE', async () => {
    const t = await token(o.swapped.address, 'sim-swap:check');
    expect(await call('check', t, { maxAge: 100000 })).toEqual(error(400, 'OUT_OF_RANGE'));
    expect(await call('check', t, { maxAge: 0 })).toEqual(error(400, 'OUT_OF_RANGE'));
  });

  if (o.limitedHistory) {
    it("@check_sim_swap_400.3_max_age_out_of_monitored_period: sandbox-a's 90 days = 2160 h", async () => {
      const t = await token(o.swapped.address, 'sim-swap:check');
      expect(await call('check', t, { maxAge: 2161 })).toEqual({
        status: 400,
        json: {
          status: 400,
          code: 'OUT_OF_RANGE',
          message: 'Check monitor period could not exceed local regulations (90 days).',
        },
      });
      expect(await call('check', t, { maxAge: 2160 })).toEqual({
        status: 200,
        json: { swapped: true },
      });
    });
  }

  it.each([
    ['@check_sim_swap_C02.03_unnecessary_phone_number', 'check'],
    ['@retrieve_sim_swap_date_C02.03_unnecessary_phone_number', 'retrieve-date'],
  ] as const)(
    '%s: a three-legged token and a phoneNumber → 422 UNNECESSARY_IDENTIFIER',
    async (_id, operation) => {
      const t = await token(o.swapped.address);
      const res = await call(operation, t, { phoneNumber: o.otherNumber });
      expect(res).toEqual(error(422, 'UNNECESSARY_IDENTIFIER'));
    },
  );

  it.each([
    ['@check_sim_swap_C02.05_phone_number_not_supported', 'check'],
    ['@retrieve_sim_swap_date_C02.05_phone_number_not_supported', 'retrieve-date'],
  ] as const)(
    '%s: the token identifies a line the service does not apply to → 422 SERVICE_NOT_APPLICABLE',
    async (_id, operation) => {
      const res = await call(operation, await token(o.notApplicable), {});
      expect(res).toEqual(error(422, 'SERVICE_NOT_APPLICABLE'));
    },
  );

  it('@retrieve_sim_swap_date_1_generic_success_scenario: 200, JSON, x-correlator echoed, SimSwapInfo', async () => {
    for (const address of [o.swapped.address, o.never]) {
      const res = await call('retrieve-date', await token(address), {});
      expect(res.status).toBe(200);
      const { latestSimChange, monitoredPeriod, ...rest } = res.json;
      expect(rest).toEqual({});
      if (latestSimChange !== null)
        expect(Number.isNaN(Date.parse(String(latestSimChange)))).toBe(false);
      if (monitoredPeriod !== undefined) expect(Number.isInteger(monitoredPeriod)).toBe(true);
    }
  });

  it('@retrieve_sim_swap_date_2_valid_sim_swap: the time of the demo SIM change', async () => {
    const res = await call('retrieve-date', await token(o.swapped.address), {});
    expect(res).toEqual({ status: 200, json: { latestSimChange: expect.stringMatching(/Z$/) } });
    const at = Date.parse(String(res.json.latestSimChange));
    expect(at).toBeGreaterThanOrEqual(started[0] - o.swapped.minutesBeforeStart * MINUTE);
    expect(at).toBeLessThanOrEqual(started[1] - o.swapped.minutesBeforeStart * MINUTE);
  });

  if (!o.limitedHistory) {
    it('@retrieve_sim_swap_date_3_no_sim_swap_returns_activation_date: 365 days before start', async () => {
      const res = await call('retrieve-date', await token(o.never), {});
      expect(res).toEqual({ status: 200, json: { latestSimChange: expect.any(String) } });
      const at = Date.parse(String(res.json.latestSimChange));
      expect(at).toBeGreaterThanOrEqual(started[0] - 365 * 24 * HOUR);
      expect(at).toBeLessThanOrEqual(started[1] - 365 * 24 * HOUR);
    });

    it('@retrieve_sim_swap_date_4_sim_never_associated: +491700000009 → latestSimChange null', async () => {
      const res = await call('retrieve-date', await token('127.20.0.9'), {});
      expect(res).toEqual({ status: 200, json: { latestSimChange: null } });
    });
  }

  if (o.limitedHistory) {
    it('@retrieve_sim_swap_date_5_no_sim_swap_or_activation_date_due_to_legal_constrain: null with monitoredPeriod 90', async () => {
      const res = await call('retrieve-date', await token(o.never), {});
      expect(res).toEqual({ status: 200, json: { latestSimChange: null, monitoredPeriod: 90 } });
    });
  }

  it('403 PERMISSION_DENIED for the operation the token has no scope for (no scenario id)', async () => {
    const t = await token(o.swapped.address, 'sim-swap:check');
    expect(await call('retrieve-date', t, {})).toEqual(error(403, 'PERMISSION_DENIED'));
  });
});
