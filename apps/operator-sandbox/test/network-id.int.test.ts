import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSandbox } from '../src/index.js';
import { DeviceBrowser } from '../test-support/device-browser.js';
import {
  FRAUD,
  SWITCHBOARD_CALLBACK,
  callNv,
  obtainToken,
  startInstance,
  switchboardAtA,
  switchboardAtB,
  testerAt,
  tokenRequest,
} from '../test-support/sandbox-fixture.js';

// GSMA OPG.10 "Network Id API": each sandbox answers the network (MCC-MNC) of the numbers of
// its own prefixes, ported ones included (config/sandbox.json `portedNumbers`): +34609900001
// (prefix +3460 of sandbox-a) was ported to sandbox-b's 99902, +4917009900001 (prefix +491700
// of sandbox-b) to sandbox-a's 99901.
let a: RunningSandbox;
let b: RunningSandbox;
const devices: DeviceBrowser[] = [];
beforeAll(async () => {
  [a, b] = await Promise.all([startInstance('sandbox-a'), startInstance('sandbox-b')]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close(), ...devices.map((d) => d.close())]);
});

async function twoLegged(sandbox: RunningSandbox, auth: Parameters<typeof tokenRequest>[1]) {
  const res = await tokenRequest(sandbox.url, auth, { grant_type: 'client_credentials' });
  expect(res.status).toBe(200);
  return String(res.json.access_token);
}

function resolve(sandbox: RunningSandbox, token: string | undefined, body: unknown) {
  return callNv(sandbox.url, '/network-id/v0/resolve-network-id', {
    method: 'POST',
    ...(token ? { token } : {}),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('GSMA OPG telco finder: the sandboxes serve the Network Id API with ported numbers (OPG.10 Network Id API)', () => {
  it('answers a ported number with its new network, an own number with the own network', async () => {
    const atA = await twoLegged(a, switchboardAtA);
    const atB = await twoLegged(b, switchboardAtB);
    const cases: Array<[RunningSandbox, string, string, string]> = [
      [a, atA, '+34609900001', '99902'],
      [a, atA, '+34600000001', '99901'],
      [b, atB, '+4917009900001', '99901'],
      [b, atB, '+491700000005', '99902'],
    ];
    for (const [sandbox, token, phoneNumber, networkId] of cases) {
      const res = await resolve(sandbox, token, { phoneNumber });
      expect([res.status, res.json]).toEqual([200, { networkId }]);
    }
  });

  it('answers 404 NOT_FOUND for a number of another operator', async () => {
    const res = await resolve(a, await twoLegged(a, testerAt('sandbox-a')), {
      phoneNumber: '+491700000005',
    });
    expect([res.status, res.json?.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('refuses a missing token (401), a three-legged token (403) and a bad body (400)', async () => {
    expect((await resolve(a, undefined, { phoneNumber: '+34600000001' })).status).toBe(401);
    const device = new DeviceBrowser('127.10.0.5');
    devices.push(device);
    const threeLegged = await obtainToken(device, a, switchboardAtA, {
      redirectUri: SWITCHBOARD_CALLBACK,
      scope: `openid ${FRAUD} number-verification:verify`,
    });
    const denied = await resolve(a, String(threeLegged.access_token), {
      phoneNumber: '+34600000001',
    });
    expect([denied.status, denied.json?.code]).toEqual([403, 'PERMISSION_DENIED']);
    const token = await twoLegged(a, testerAt('sandbox-a'));
    for (const body of [
      {},
      { phoneNumber: '34600000001' },
      { phoneNumber: '+34600000001', x: 1 },
    ]) {
      const res = await resolve(a, token, body);
      expect([res.status, res.json?.code]).toEqual([400, 'INVALID_ARGUMENT']);
    }
  });
});
