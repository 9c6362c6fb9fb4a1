import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';
import { registerApp, type AppClient } from '../test-support/core-fixture.js';

// The CAMARA SIM Swap 2.1.0 (r3.3) test definitions' happy paths and main errors through the
// aggregator, against sandbox-a (camara scope style) and sandbox-b (dpv-hash style). The
// demo data is config/sandbox.json `simSwap` (docs/conformance/sim-swap.md).
let s: CoreStack;
let app: AppClient;
beforeAll(async () => {
  s = await startCoreStack();
  app = await registerApp(s.agg, 'secret', ['sim-swap:check', 'sim-swap:retrieve-date']);
}, 60_000);
afterAll(() => s.stop());

const FRAUD = 'dpv:FraudPreventionAndDetection';
// sandbox-b asks consent for fraud prevention; its legitimate-interest purpose needs none.
const SERVICE = 'dpv:RequestedServiceProvision';
const BOTH = 'sim-swap:check sim-swap:retrieve-date';
const CORRELATOR = 'sim-swap-scenario-1';

async function tokenFor(address: string, scope: string): Promise<string> {
  const { req, params } = await s.authorize(address, app, { prompt: 'none', scope });
  const code = params?.get('code');
  if (!code) throw new Error(`no code: ${params?.toString()}`);
  return String((await s.tokenFor(app, code, req.verifier)).body.access_token);
}

async function call(operation: string, token: string | undefined, body: unknown) {
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
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe.each([
  {
    operator: 'sandbox-a (camara)',
    purpose: FRAUD,
    swapped: '127.10.0.7', // +346001000007, SIM changed 30 min before start
    within11h: true,
    never: { address: '127.10.0.5', date: { latestSimChange: null, monitoredPeriod: 90 } },
  },
  {
    operator: 'sandbox-b (dpv-hash)',
    purpose: SERVICE,
    swapped: '127.20.0.8', // +491700000008, SIM changed 12 h before start
    within11h: false,
    never: { address: '127.20.0.5', date: { latestSimChange: expect.any(String) } },
  },
])('SIM Swap through the aggregator at $operator', (o) => {
  it('@check_sim_swap_2 / @retrieve_sim_swap_date_2: a recent swap is true and dated', async () => {
    const token = await tokenFor(o.swapped, `openid ${o.purpose} ${BOTH}`);
    expect(await call('check', token, {})).toEqual({ status: 200, json: { swapped: true } });
    expect(await call('check', token, { maxAge: 11 })).toEqual({
      status: 200,
      json: { swapped: o.within11h },
    });
    const date = await call('retrieve-date', token, {});
    expect(date.status).toBe(200);
    expect(Date.now() - Date.parse(String(date.json.latestSimChange))).toBeLessThan(13 * 3600_000);
  });

  it('@check_sim_swap_6 / @retrieve_sim_swap_date_3 or _5: a line never swapped', async () => {
    const token = await tokenFor(o.never.address, `openid ${o.purpose} ${BOTH}`);
    expect(await call('check', token, { maxAge: 2000 })).toEqual({
      status: 200,
      json: { swapped: false },
    });
    expect(await call('retrieve-date', token, {})).toEqual({ status: 200, json: o.never.date });
  });

  it('@check_sim_swap_C02.03: 422 UNNECESSARY_IDENTIFIER with a phoneNumber', async () => {
    const token = await tokenFor(o.swapped, `openid ${o.purpose} sim-swap:retrieve-date`);
    const res = await call('retrieve-date', token, { phoneNumber: '+346001000007' });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ status: 422, code: 'UNNECESSARY_IDENTIFIER' });
  });

  it("@check_sim_swap_400.1 / 400.2: maxAge refused (before the operator) with the operator's codes", async () => {
    const token = await tokenFor(o.swapped, `openid ${o.purpose} sim-swap:check`);
    const range = await call('check', token, { maxAge: 100000 });
    expect(range.json).toMatchObject({ status: 400, code: 'OUT_OF_RANGE' });
    const invalid = await call('check', token, { maxAge: 'a day' });
    expect(invalid.json).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
    expect((await call('check', token, {})).status).toBe(200);
  });

  it('403 PERMISSION_DENIED for the operation the token has no scope for; 401 without a token', async () => {
    const token = await tokenFor(o.swapped, `openid ${o.purpose} sim-swap:check`);
    const res = await call('retrieve-date', token, {});
    expect(res.json).toMatchObject({ status: 403, code: 'PERMISSION_DENIED' });
    const none = await call('check', undefined, {});
    expect(none.json).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});

it("@check_sim_swap_400.3: sandbox-a's 90-day privacy limit answers 400 OUT_OF_RANGE", async () => {
  const token = await tokenFor('127.10.0.7', `openid ${FRAUD} sim-swap:check`);
  const res = await call('check', token, { maxAge: 2161 });
  expect(res).toEqual({
    status: 400,
    json: {
      status: 400,
      code: 'OUT_OF_RANGE',
      message: 'Check monitor period could not exceed local regulations (90 days).',
    },
  });
});
