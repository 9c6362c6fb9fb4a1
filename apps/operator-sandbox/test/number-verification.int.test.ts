import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hashPhoneNumber } from '@switchboard/camara';
import type { Clock, RunningSandbox } from '../src/index.js';
import { DeviceBrowser } from '../test-support/device-browser.js';
import {
  FRAUD,
  SWITCHBOARD_CALLBACK,
  TESTER_CALLBACK,
  callNv,
  obtainToken,
  startInstance,
  switchboardAtA,
  testerAt,
  tokenRequest,
} from '../test-support/sandbox-fixture.js';

// CAMARA NumberVerification test definitions (verify / device-phone-number), NV 2.1 and NV 0.3.1.
const DEVICE = '127.10.0.5';
const NUMBER = '+346001000005';
const OTHER = '+346001000006';
const SCOPES = {
  v2: {
    verify: 'number-verification:verify',
    share: 'number-verification:device-phone-number:read',
  },
  v0: { verify: 'number-verification-verify-read', share: 'number-verification-share-read' },
} as const;

const devices: DeviceBrowser[] = [];
afterAll(() => Promise.all(devices.map((d) => d.close())));

async function tokenFor(sandbox: RunningSandbox, apiScope: string): Promise<string> {
  const d = new DeviceBrowser(DEVICE);
  devices.push(d);
  const tokens = await obtainToken(d, sandbox, switchboardAtA, {
    redirectUri: SWITCHBOARD_CALLBACK,
    scope: `openid ${FRAUD} ${apiScope}`,
  });
  return String(tokens.access_token);
}

describe.each(['v2', 'v0'] as const)('Number Verification %s', (version) => {
  const base = `/number-verification/${version}`;
  const clock: Clock & { offset: number } = { offset: 0, now: () => Date.now() + clock.offset };
  let sandbox: RunningSandbox;
  const verify = (token: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
    callNv(sandbox.url, `${base}/verify`, {
      ...(token ? { token } : {}),
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers,
    });
  const verifyToken = () => tokenFor(sandbox, SCOPES[version].verify);

  beforeAll(async () => {
    sandbox = await startInstance('sandbox-a', {}, { clock });
  });
  afterAll(() => sandbox.close());

  it('verify100: match true, echoing x-correlator', async () => {
    const res = await verify(
      await verifyToken(),
      { phoneNumber: NUMBER },
      { 'x-correlator': 'b4333c46-49c0-4f62-80d7-f0ef930f1c46' },
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-correlator']).toBe('b4333c46-49c0-4f62-80d7-f0ef930f1c46');
    expect(res.json).toEqual({ devicePhoneNumberVerified: true });
  });

  it('verify101: match false for another number', async () => {
    expect((await verify(await verifyToken(), { phoneNumber: OTHER })).json).toEqual({
      devicePhoneNumberVerified: false,
    });
  });

  it('verify300/301: hashed match true and false', async () => {
    expect(
      (await verify(await verifyToken(), { hashedPhoneNumber: hashPhoneNumber(NUMBER) })).json,
    ).toEqual({ devicePhoneNumberVerified: true });
    expect(
      (await verify(await verifyToken(), { hashedPhoneNumber: hashPhoneNumber(OTHER) })).json,
    ).toEqual({ devicePhoneNumberVerified: false });
  });

  it(`verify without '+' is ${version === 'v0' ? 'allowed (NV 0.3.1)' : 'a 400 (NV 2.1)'}`, async () => {
    const plain = await verify(await verifyToken(), { phoneNumber: NUMBER.slice(1) });
    const hashed = await verify(await verifyToken(), {
      hashedPhoneNumber: hashPhoneNumber(NUMBER.slice(1)),
    });
    if (version === 'v0') {
      expect(plain.json).toEqual({ devicePhoneNumberVerified: true });
      expect(hashed.json).toEqual({ devicePhoneNumberVerified: true });
    } else {
      expect(plain.json).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
      expect(hashed.json).toEqual({ devicePhoneNumberVerified: false });
    }
  });

  it.each([
    ['verify200: no body', undefined],
    ['empty body', {}],
    ['unknown property', { phoneNumber: NUMBER, foo: 'bar' }],
    [
      'verify203: both properties',
      { phoneNumber: NUMBER, hashedPhoneNumber: hashPhoneNumber(NUMBER) },
    ],
    ['malformed JSON', '{"phoneNumber":'],
    ['bad hash', { hashedPhoneNumber: 'abc' }],
  ])('%s → 400 INVALID_ARGUMENT', async (_name, body) => {
    const token = await verifyToken();
    const res =
      body === undefined
        ? await callNv(sandbox.url, `${base}/verify`, { token })
        : await verify(token, body);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      status: 400,
      code: 'INVALID_ARGUMENT',
      message: expect.any(String),
    });
  });

  const badNumbers = [
    'string_value',
    '1234567890',
    '+12334foo22222',
    '+00012230304913849',
    '123',
    '++49565456787',
  ];
  it.each(badNumbers)('verify0: phoneNumber %s checked against the schema', async (phoneNumber) => {
    const res = await verify(await verifyToken(), { phoneNumber });
    if (version === 'v0' && phoneNumber === '1234567890') {
      expect(res.json).toEqual({ devicePhoneNumberVerified: false });
      return;
    }
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it.each([
    ['no token', undefined],
    ['an invalid token', 'not-a-token'],
  ])('401 UNAUTHENTICATED with %s', async (_name, token) => {
    const res = await verify(token, { phoneNumber: NUMBER }, { 'x-correlator': 'c-1' });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(res.headers['x-correlator']).toBe('c-1');
  });

  it('verify202: 401 UNAUTHENTICATED with an expired token', async () => {
    const token = await verifyToken();
    clock.offset = 301_000;
    try {
      expect((await verify(token, { phoneNumber: NUMBER })).json).toMatchObject({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    } finally {
      clock.offset = 0;
    }
  });

  it('verify201: 403 PERMISSION_DENIED when the verify scope is missing, and vice versa', async () => {
    const shareOnly = await tokenFor(sandbox, SCOPES[version].share);
    const res = await verify(shareOnly, { phoneNumber: NUMBER });
    expect(res.json).toEqual({
      status: 403,
      code: 'PERMISSION_DENIED',
      message: 'Client does not have sufficient permissions to perform this action.',
    });
    const share = await callNv(sandbox.url, `${base}/device-phone-number`, {
      token: await verifyToken(),
    });
    expect(share.json).toMatchObject({ status: 403, code: 'PERMISSION_DENIED' });
  });

  it('verify205: 403 USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK for a token without network authentication', async () => {
    const cc = await tokenRequest(sandbox.url, testerAt('sandbox-a'), {
      grant_type: 'client_credentials',
      scope: `${FRAUD} ${SCOPES[version].verify} ${SCOPES[version].share}`,
    });
    expect(cc.status).toBe(200);
    const token = String(cc.json.access_token);
    const res = await verify(token, { phoneNumber: NUMBER });
    expect(res.json).toMatchObject({
      status: 403,
      code: 'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
    });
    const share = await callNv(sandbox.url, `${base}/device-phone-number`, { token });
    expect(share.json).toMatchObject({
      code: 'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
    });
  });

  it('device-phone-number returns the number of the authenticated line', async () => {
    const res = await callNv(sandbox.url, `${base}/device-phone-number`, {
      token: await tokenFor(sandbox, SCOPES[version].share),
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ devicePhoneNumber: NUMBER });
  });

  it('access tokens are single use', async () => {
    const token = await verifyToken();
    expect((await verify(token, { phoneNumber: NUMBER })).status).toBe(200);
    expect((await verify(token, { phoneNumber: NUMBER })).json).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('an invalid x-correlator is a 400 and is not echoed', async () => {
    const res = await verify(
      await verifyToken(),
      { phoneNumber: NUMBER },
      { 'x-correlator': 'has spaces in it' },
    );
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(res.headers['x-correlator']).toBeUndefined();
  });

  it('answers 415, 406, 405 and 404 as CAMARA errors', async () => {
    const token = await verifyToken();
    const text = await callNv(sandbox.url, `${base}/verify`, {
      token,
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.json).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const html = await verify(token, { phoneNumber: NUMBER }, { accept: 'text/html' });
    expect(html.json).toMatchObject({ status: 406, code: 'NOT_ACCEPTABLE' });
    const put = await callNv(sandbox.url, `${base}/verify`, { token, method: 'PUT', body: '{}' });
    expect(put.json).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    expect(put.headers.allow).toBe('POST'); // RFC 9110 §15.5.6
    const missing = await callNv(sandbox.url, `${base}/nothing-here`, { token });
    expect(missing.json).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});

describe('single-use access tokens switched off', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startInstance('sandbox-a', { singleUseAccessTokens: false });
  });
  afterAll(() => sandbox.close());

  it('lets a token serve several calls until it expires', async () => {
    const token = await tokenFor(sandbox, SCOPES.v2.verify);
    for (let i = 0; i < 3; i += 1) {
      const res = await callNv(sandbox.url, '/number-verification/v2/verify', {
        token,
        body: JSON.stringify({ phoneNumber: NUMBER }),
      });
      expect(res.json).toEqual({ devicePhoneNumberVerified: true });
    }
  });
});

describe('NV through the dpv-hash scope style (sandbox-b)', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startInstance('sandbox-b');
  });
  afterAll(() => sandbox.close());

  it('grants v0 and v2 operations from dpv:X#operation scopes', async () => {
    const d = new DeviceBrowser('127.20.1.2');
    devices.push(d);
    const tester = testerAt('sandbox-b');
    const scope = 'openid dpv:RequestedServiceProvision#number-verification-share-read';
    const tokens = await obtainToken(d, sandbox, tester, { redirectUri: TESTER_CALLBACK, scope });
    const res = await callNv(sandbox.url, '/number-verification/v2/device-phone-number', {
      token: String(tokens.access_token),
    });
    expect(res.json).toEqual({ devicePhoneNumber: '+491700001002' });
  });
});
