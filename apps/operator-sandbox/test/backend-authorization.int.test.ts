import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'undici';
import type { RunningSandbox } from '../src/index.js';
import { DeviceBrowser } from '../test-support/device-browser.js';
import {
  answerConsentOnDevice,
  CIBA_GRANT,
  FRAUD,
  JWT_BEARER_GRANT,
  backchannelAuthorize,
  callNv,
  jwtClaims,
  poll,
  sleep,
  startBackchannel,
  startInstance,
  switchboardAtA,
  switchboardAtB,
  testerAt,
} from '../test-support/index.js';

// CAMARA ICM r4.2 CIBA at the sandbox operators: "Client-Initiated Backchannel
// Authentication Flow" (poll mode), "Format of login_hint" and the CIBA rows of "Appendix A
// (Normative): Error Responses". The JWT-bearer grant: jwt-bearer-grant.int.test.ts.
// Demo data: sandbox-a has legitimate interest for every purpose; sandbox-b needs consent for
// dpv:FraudPreventionAndDetection; +346001000007 (127.10.0.7) changed SIM 30 min before start,
// +491700000007 (127.20.0.7) 300 h and +491700000008 (127.20.0.8) 12 h before start.
const SERVICE = 'dpv:RequestedServiceProvision';
let a: RunningSandbox;
let b: RunningSandbox;
let bSlow: RunningSandbox;
let bShort: RunningSandbox;
const devices: DeviceBrowser[] = [];

beforeAll(async () => {
  [a, b, bSlow, bShort] = await Promise.all([
    startInstance('sandbox-a'),
    startInstance('sandbox-b'),
    startInstance('sandbox-b', { backchannel: { intervalSeconds: 30, requestTtlSeconds: 60 } }),
    startInstance('sandbox-b', { backchannel: { intervalSeconds: 1, requestTtlSeconds: 1 } }),
  ]);
});
afterAll(async () => {
  await Promise.all(devices.map((d) => d.close()));
  await Promise.all([a, b, bSlow, bShort].map((s) => s?.close()));
});

const device = (address: string) => {
  const d = new DeviceBrowser(address);
  devices.push(d);
  return d;
};

const simSwapCheck = (sandbox: RunningSandbox, token: unknown, maxAge = 240) =>
  callNv(sandbox.url, '/sim-swap/v2/check', {
    token: String(token),
    method: 'POST',
    body: JSON.stringify({ maxAge }),
  });

/** The subscriber opens the consents page from the device and answers the pending request. */
async function answerOnDevice(
  sandbox: RunningSandbox,
  d: DeviceBrowser,
  decision: 'approve' | 'deny',
) {
  return answerConsentOnDevice(sandbox.url, d, decision);
}

describe('discovery', () => {
  it.each(['sandbox-a', 'sandbox-b'])(
    '%s advertises the backchannel endpoint, poll mode and both grant types',
    async (id) => {
      const sandbox = id === 'sandbox-a' ? a : b;
      const res = await request(`${sandbox.url}/.well-known/openid-configuration`);
      const meta = (await res.body.json()) as Record<string, unknown>;
      expect(meta.backchannel_authentication_endpoint).toBe(`${sandbox.url}/backchannel`);
      expect(meta.backchannel_token_delivery_modes_supported).toEqual(['poll']);
      expect(meta.backchannel_user_code_parameter_supported).toBe(false);
      expect(meta.grant_types_supported).toEqual(
        expect.arrayContaining(['authorization_code', CIBA_GRANT, JWT_BEARER_GRANT]),
      );
    },
  );
});

describe('CIBA: hints', () => {
  it('grants a legitimate-interest purpose at the first poll (tel: hint); the token checks SIM Swap', async () => {
    const started = await backchannelAuthorize(a.url, switchboardAtA, {
      login_hint: 'tel:+346001000007',
      scope: `openid ${FRAUD} sim-swap:check`,
      binding_message: 'ignored per ICM, even if it is far too long for CIBA',
      requested_expiry: '5',
    });
    expect(started.status).toBe(200);
    expect(started.json).toEqual({ auth_req_id: expect.any(String), expires_in: 120, interval: 1 });
    const tokens = await poll(a.url, switchboardAtA, String(started.json.auth_req_id));
    expect(tokens.status).toBe(200);
    expect(tokens.json).toMatchObject({
      token_type: 'Bearer',
      scope: `${FRAUD} sim-swap:check`,
    });
    expect(tokens.json.refresh_token).toBeUndefined();
    const sub = jwtClaims(tokens.json.id_token).sub;
    expect(sub).toMatch(/^sub-/);
    expect(String(sub)).not.toContain('346001000007');
    expect(await simSwapCheck(a, tokens.json.access_token)).toMatchObject({
      status: 200,
      json: { swapped: true },
    });
  });

  it('issues no ID token without openid (ICM "Missing openid scope")', async () => {
    const id = await startBackchannel(
      a.url,
      switchboardAtA,
      'tel:+346001000007',
      `${FRAUD} sim-swap:check`,
    );
    const tokens = await poll(a.url, switchboardAtA, id);
    expect(tokens.status).toBe(200);
    expect(tokens.json.id_token).toBeUndefined();
    expect(tokens.json.scope).toBe(`${FRAUD} sim-swap:check`);
  });

  it('maps ipport: hints (IPv4 with port, IPv6) through the network table', async () => {
    const scope = `openid ${FRAUD} sim-swap:check`;
    const byPort = await poll(
      a.url,
      switchboardAtA,
      await startBackchannel(a.url, switchboardAtA, 'ipport:127.10.0.7:40123', scope),
    );
    const byTel = await poll(
      a.url,
      switchboardAtA,
      await startBackchannel(a.url, switchboardAtA, 'tel:+346001000007', scope),
    );
    expect(jwtClaims(byPort.json.id_token).sub).toBe(jwtClaims(byTel.json.id_token).sub);
    expect((await simSwapCheck(a, byPort.json.access_token)).json).toEqual({ swapped: true });
    // ::1 is +34600000001 at sandbox-a, which never changed SIM.
    const v6 = await poll(
      a.url,
      switchboardAtA,
      await startBackchannel(a.url, switchboardAtA, 'ipport:[::1]:443', scope),
    );
    expect(jwtClaims(v6.json.id_token).sub).not.toBe(jwtClaims(byTel.json.id_token).sub);
    expect((await simSwapCheck(a, v6.json.access_token)).json).toEqual({ swapped: false });
  });

  it.each([
    ['tel:+346009999999', 'unknown_user_id'],
    ['tel:+491700000007', 'unknown_user_id'],
    ['ipport:10.1.2.3', 'unknown_user_id'],
    ['ipport:127.20.0.7', 'unknown_user_id'],
    ['operatortoken:abc', 'unknown_user_id'],
    ['tel:346001000007', 'invalid_request'],
    ['ipport:300.1.1.1', 'invalid_request'],
    ['+346001000007', 'invalid_request'],
  ])('answers login_hint %s with %s', async (loginHint, error) => {
    const res = await backchannelAuthorize(a.url, switchboardAtA, {
      login_hint: loginHint,
      scope: `openid ${FRAUD} sim-swap:check`,
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe(error);
  });

  it.each([
    ['no login_hint', {}],
    ['login_hint_token', { login_hint_token: 'x.y.z' }],
    ['id_token_hint', { id_token_hint: 'x.y.z' }],
    ['login_hint and id_token_hint', { login_hint: 'tel:+346001000007', id_token_hint: 'x.y.z' }],
  ])(
    'refuses %s: login_hint is required and the only hint (invalid_request)',
    async (_name, hints) => {
      const res = await backchannelAuthorize(a.url, switchboardAtA, {
        scope: `openid ${FRAUD} sim-swap:check`,
        ...hints,
      });
      expect(res.status).toBe(400);
      expect(res.json.error).toBe('invalid_request');
    },
  );

  it.each([
    ['two purposes', `openid ${FRAUD} ${SERVICE} sim-swap:check`],
    ['no purpose', 'openid sim-swap:check'],
    ['no API scope', `openid ${FRAUD}`],
    ['the other scope style', `openid ${FRAUD}#check-sim-swap`],
  ])('answers %s with invalid_scope', async (_name, scope) => {
    const res = await backchannelAuthorize(a.url, switchboardAtA, {
      login_hint: 'tel:+346001000007',
      scope,
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_scope');
  });

  it('refuses a client not registered for CIBA (unauthorized_client)', async () => {
    const res = await backchannelAuthorize(a.url, testerAt('sandbox-a'), {
      login_hint: 'tel:+346001000007',
      scope: `openid ${FRAUD} sim-swap:check`,
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('unauthorized_client');
  });
});

describe('CIBA: consent on the subscriber page', () => {
  const scope = `openid ${FRAUD}#check-sim-swap`;

  it('stays pending until the subscriber approves from the device, then the poll gets tokens', async () => {
    const id = await startBackchannel(b.url, switchboardAtB, 'tel:+491700000007', scope);
    expect((await poll(b.url, switchboardAtB, id)).json.error).toBe('authorization_pending');
    // Another line sees nothing and cannot answer for this one.
    const stranger = device('127.20.0.9');
    expect((await stranger.get(`${b.url}/consents`)).text).not.toContain('/consents/requests/');
    const refused = await stranger.postForm(
      `${b.url}/consents/requests/${encodeURIComponent(id)}`,
      {
        csrf: 'x',
        decision: 'approve',
      },
    );
    expect(refused.status).toBe(403);
    const answered = await answerOnDevice(b, device('127.20.0.7'), 'approve');
    expect(answered.status).toBe(303);
    await sleep(1_100);
    const tokens = await poll(b.url, switchboardAtB, id);
    expect(tokens.status).toBe(200);
    expect((await simSwapCheck(b, tokens.json.access_token, 400)).json).toEqual({ swapped: true });
    // The consent is recorded: the next request for this client and purpose is granted at once.
    const again = await startBackchannel(b.url, switchboardAtB, 'ipport:127.20.0.7', scope);
    expect((await poll(b.url, switchboardAtB, again)).status).toBe(200);
  });

  it('ends with access_denied when the subscriber denies', async () => {
    const id = await startBackchannel(b.url, switchboardAtB, 'tel:+491700000008', scope);
    expect((await answerOnDevice(b, device('127.20.0.8'), 'deny')).status).toBe(303);
    const res = await poll(b.url, switchboardAtB, id);
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('access_denied');
  });

  it('grants a purpose without consent need at once at the consent operator', async () => {
    const id = await startBackchannel(
      b.url,
      switchboardAtB,
      'tel:+491700000005',
      `${SERVICE}#check-sim-swap`,
    );
    const tokens = await poll(b.url, switchboardAtB, id);
    expect(tokens.status).toBe(200);
    expect(tokens.json.scope).toBe(`${SERVICE}#check-sim-swap`);
  });

  it('ends with expired_token when nobody answers within requestTtlSeconds', async () => {
    const id = await startBackchannel(bShort.url, switchboardAtB, 'tel:+491700000006', scope);
    await sleep(1_500);
    const res = await poll(bShort.url, switchboardAtB, id);
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('expired_token');
  });

  it('answers slow_down to a poll sooner than interval', async () => {
    const started = await backchannelAuthorize(bSlow.url, switchboardAtB, {
      login_hint: 'tel:+491700000006',
      scope,
    });
    expect(started.json.interval).toBe(30);
    const id = String(started.json.auth_req_id);
    expect((await poll(bSlow.url, switchboardAtB, id)).json.error).toBe('authorization_pending');
    const second = await poll(bSlow.url, switchboardAtB, id);
    expect(second.status).toBe(400);
    expect(second.json.error).toBe('slow_down');
  });

  it('answers invalid_grant for an unknown auth_req_id or another client’s', async () => {
    expect((await poll(b.url, switchboardAtB, 'no-such-request')).json.error).toBe('invalid_grant');
    const id = await startBackchannel(
      a.url,
      switchboardAtA,
      'tel:+346001000005',
      `${FRAUD} sim-swap:check`,
    );
    const other = testerAt('sandbox-a');
    expect((await poll(a.url, other, id)).json.error).toMatch(/invalid_grant|unauthorized_client/);
  });
});
