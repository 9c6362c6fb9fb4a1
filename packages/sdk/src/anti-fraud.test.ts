import { describe, expect, it } from '@jest/globals';
import { createAntiFraudApis } from './anti-fraud.js';
import { CamaraApiError, ServiceNotApplicableError } from './errors.js';
import { buildScope } from './scope.js';

const ROOT = 'https://switchboard.example';
const session = { accessToken: 'token-1' };

/** Answers each call with `answer`, recording what was sent. */
function fakeApi(status: number, answer: unknown) {
  const sent: Array<{ url: string; method: string; headers: Headers; body: unknown }> = [];
  const apis = createAntiFraudApis({
    apiRoot: ROOT,
    timeoutMs: 1000,
    fetch: async (input, init) => {
      sent.push({
        url: String(input),
        method: String(init?.method),
        headers: new Headers(init?.headers),
        body: init?.body ? JSON.parse(String(init.body)) : undefined,
      });
      return new Response(JSON.stringify(answer), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    },
  });
  return { apis, sent };
}

describe('SIM Swap', () => {
  it('check posts maxAge to /sim-swap/v2/check with the bearer token and a correlator; answers swapped', async () => {
    const { apis, sent } = fakeApi(200, { swapped: true });
    expect(await apis.simSwap.check(session, { maxAge: 24, correlator: 'c-1' })).toBe(true);
    expect(sent[0]).toMatchObject({
      url: `${ROOT}/sim-swap/v2/check`,
      method: 'POST',
      body: { maxAge: 24 },
    });
    expect(sent[0]!.headers.get('authorization')).toBe('Bearer token-1');
    expect(sent[0]!.headers.get('x-correlator')).toBe('c-1');
  });

  it('check sends no phoneNumber (the token names the line) and refuses a bad maxAge before calling', async () => {
    const { apis, sent } = fakeApi(200, { swapped: false });
    expect(await apis.simSwap.check(session)).toBe(false);
    expect(sent[0]!.body).toEqual({});
    await expect(apis.simSwap.check(session, { maxAge: 1.5 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(sent).toHaveLength(1);
  });

  it('retrieveDate reads a date, a null date and the monitored period', async () => {
    const dated = fakeApi(200, { latestSimChange: '2026-12-03T10:00:00Z' });
    expect(await dated.apis.simSwap.retrieveDate(session)).toEqual({
      latestSimChange: new Date('2026-12-03T10:00:00Z'),
    });
    expect(dated.sent[0]!.url).toBe(`${ROOT}/sim-swap/v2/retrieve-date`);
    const none = fakeApi(200, { latestSimChange: null, monitoredPeriod: 120 });
    expect(await none.apis.simSwap.retrieveDate(session)).toEqual({
      latestSimChange: null,
      monitoredPeriod: 120,
    });
  });

  it('an answer without what the spec says is INVALID_RESPONSE', async () => {
    await expect(
      fakeApi(200, { swapped: 'yes' }).apis.simSwap.check(session),
    ).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
  });
});

describe('KYC Match', () => {
  it('posts only the fields given to /kyc-match/v0.3/match and returns the per-field results', async () => {
    const answer = { givenNameMatch: 'true', familyNameMatch: 'false', familyNameMatchScore: 88 };
    const { apis, sent } = fakeApi(200, answer);
    const result = await apis.kycMatch(session, { givenName: 'Ana', familyName: 'Garcia' });
    expect(result).toEqual(answer);
    expect(sent[0]).toMatchObject({
      url: `${ROOT}/kyc-match/v0.3/match`,
      body: { givenName: 'Ana', familyName: 'Garcia' },
    });
  });

  it('refuses an empty request before calling, and an answer that is not a match result', async () => {
    const { apis, sent } = fakeApi(200, { givenNameMatch: 'maybe' });
    await expect(apis.kycMatch(session, {})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(sent).toHaveLength(0);
    await expect(apis.kycMatch(session, { givenName: 'Ana' })).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
    });
  });
});

describe('Location Verification', () => {
  it('posts the area and maxAge to /location-verification/v3/verify and reads the result', async () => {
    const { apis, sent } = fakeApi(200, {
      verificationResult: 'PARTIAL',
      matchRate: 74,
      lastLocationTime: '2026-12-03T10:00:00Z',
    });
    const area = {
      areaType: 'CIRCLE',
      center: { latitude: 40.4168, longitude: -3.7038 },
      radius: 2000,
    } as const;
    expect(await apis.locationVerification.verify(session, area, { maxAge: 60 })).toEqual({
      verificationResult: 'PARTIAL',
      matchRate: 74,
      lastLocationTime: new Date('2026-12-03T10:00:00Z'),
    });
    expect(sent[0]).toMatchObject({
      url: `${ROOT}/location-verification/v3/verify`,
      body: { area, maxAge: 60 },
    });
  });
});

describe('CAMARA errors', () => {
  it('422 SERVICE_NOT_APPLICABLE is a ServiceNotApplicableError; others a CamaraApiError with the code', async () => {
    const na = fakeApi(422, { status: 422, code: 'SERVICE_NOT_APPLICABLE', message: 'no' });
    const err = await na.apis.simSwap.check(session).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceNotApplicableError);
    expect(err).toBeInstanceOf(CamaraApiError);
    expect(err).toMatchObject({ status: 422, code: 'SERVICE_NOT_APPLICABLE' });
    const range = fakeApi(400, { status: 400, code: 'OUT_OF_RANGE', message: 'maxAge' });
    const other = await range.apis.simSwap.check(session, { maxAge: 9999 }).catch((e) => e);
    expect(other).toBeInstanceOf(CamaraApiError);
    expect(other).not.toBeInstanceOf(ServiceNotApplicableError);
    expect(other).toMatchObject({ status: 400, code: 'OUT_OF_RANGE' });
  });
});

describe('scopes of several APIs in one authorization', () => {
  it('adds API scopes after the NV ones, once each, and allows them without NV', () => {
    expect(buildScope('dpv:FraudPreventionAndDetection', ['verify'], ['sim-swap:check'])).toBe(
      'openid dpv:FraudPreventionAndDetection number-verification:verify sim-swap:check',
    );
    expect(
      buildScope('FraudPreventionAndDetection', [], ['kyc-match:match', 'kyc-match:match']),
    ).toBe('openid dpv:FraudPreventionAndDetection kyc-match:match');
    expect(() => buildScope('dpv:X', [], [])).toThrow(/at least one/);
    expect(() => buildScope('dpv:X', [], ['sim swap'])).toThrow(/not a CAMARA API scope/);
  });
});
