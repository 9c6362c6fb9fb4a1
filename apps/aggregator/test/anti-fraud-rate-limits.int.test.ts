import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { API_SCOPES } from '@switchboard/camara';
import { registerApp } from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// The per-client proxy budget (ADR 0001) counts the calls of every API together: an app cannot
// go around it by spreading calls over SIM Swap, KYC Match and Location Verification.
let s: CoreStack;
beforeAll(async () => {
  // A day's window, as rate-limits.int.test.ts: the five calls fall in one window.
  s = await startCoreStack({
    RATE_LIMIT_PROXY_PER_CLIENT: '3',
    RATE_LIMIT_WINDOW_SECONDS: '86400',
  });
}, 60_000);
afterAll(() => s.stop());

describe('rate limits across the anti-fraud APIs', () => {
  it('one client budget for every API: the fourth call is 429 TOO_MANY_REQUESTS, whichever API', async () => {
    const app = await registerApp(s.agg, 'secret', API_SCOPES);
    const scope =
      'openid dpv:FraudPreventionAndDetection sim-swap:retrieve-date kyc-match:match location-verification:verify';
    const token = await s.accessToken('127.10.0.5', app, scope);
    const call = async (path: string, body: unknown) =>
      (
        await fetch(`${s.agg.publicUrl}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).status;
    const area = {
      areaType: 'CIRCLE',
      center: { latitude: 40.4168, longitude: -3.7038 },
      radius: 2000,
    };
    expect(await call('/sim-swap/v2/retrieve-date', {})).toBe(200);
    expect(await call('/kyc-match/v0.3/match', { givenName: 'Ana' })).toBe(200);
    expect(await call('/location-verification/v3/verify', { area })).toBe(200);
    expect(await call('/sim-swap/v2/retrieve-date', {})).toBe(429);
    expect(await call('/kyc-match/v0.3/match', { givenName: 'Ana' })).toBe(429);
  });
});
