import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  acquireTemporaryToken,
  createCertificateChain,
  createHandset,
  createTelephonyPki,
  type HandsetSim,
} from '@switchboard/handset';
import { createTestCredential } from '@switchboard/handset/test-support';
import { compactDecrypt } from 'jose';
import type { Clock, RunningSandbox } from '../src/index.js';
import {
  SWITCHBOARD_KEYS,
  bearerAssertion,
  callNv,
  jwtBearer,
  startInstance,
} from '../test-support/index.js';

// CAMARA ICM r4.2 "JWT Bearer Flow with Operator Token" at the sandboxes: `sub =
// operatortoken:<temp_token>` where the temp_token comes from the instance's TS.43-style
// entitlement service (contract §1). Demo SIMs: +346001000005 (sandbox-a, secret
// sim-secret-a-5), +491700000005 (sandbox-b, sim-secret-b-5); temp_tokens live 120 s.
const SERVICE = 'dpv:RequestedServiceProvision';
const clock: Clock & { offset: number } = { offset: 0, now: () => Date.now() + clock.offset };
let a: RunningSandbox;
let b: RunningSandbox;

beforeAll(async () => {
  [a, b] = await Promise.all([
    startInstance('sandbox-a', {}, { clock }),
    startInstance('sandbox-b', {}, { clock }),
  ]);
});
afterEach(() => {
  clock.offset = 0;
});
afterAll(() => Promise.all([a?.close(), b?.close()]));

const SIM_A = { msisdn: '+346001000005', secret: 'sim-secret-a-5' };
const SIM_B = { msisdn: '+491700000005', secret: 'sim-secret-b-5' };

const tempTokenAt = (sandbox: RunningSandbox, sim: { msisdn: string; secret: string }) =>
  acquireTemporaryToken({ ...sim, entitlementUrl: sandbox.url });

/** Switchboard's ICM JWT-bearer request with an operator token, on the sandbox's clock. */
async function exchange(sandbox: RunningSandbox, tempToken: string, scope?: string) {
  const id = sandbox === a ? 'sandbox-a' : 'sandbox-b';
  const offset = Math.floor(clock.offset / 1000);
  const assertion = await bearerAssertion(SWITCHBOARD_KEYS[id], {
    sub: `operatortoken:${tempToken}`,
    aud: `${sandbox.url}/token`,
    scope:
      scope ??
      (sandbox === a
        ? `${SERVICE} number-verification:device-phone-number:read`
        : `${SERVICE}#number-verification-share-read`),
    iatOffset: offset,
    expOffset: offset + 60,
  });
  return jwtBearer(sandbox.url, assertion);
}

const devicePhoneNumber = (sandbox: RunningSandbox, token: unknown) =>
  callNv(sandbox.url, '/number-verification/v2/device-phone-number', { token: String(token) });

describe('JWT-bearer grant with operatortoken: subjects', () => {
  it('issues a token for the line the temp_token is bound to; NV answers its number', async () => {
    const res = await exchange(a, await tempTokenAt(a, SIM_A));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
    expect(await devicePhoneNumber(a, res.json.access_token)).toMatchObject({
      status: 200,
      json: { devicePhoneNumber: SIM_A.msisdn },
    });
  });

  it('is network-based authentication for NV verify as well', async () => {
    const res = await exchange(
      a,
      await tempTokenAt(a, SIM_A),
      `${SERVICE} number-verification:verify`,
    );
    const verify = await callNv(a.url, '/number-verification/v2/verify', {
      token: String(res.json.access_token),
      body: JSON.stringify({ phoneNumber: SIM_A.msisdn }),
    });
    expect(verify).toMatchObject({ status: 200, json: { devicePhoneNumberVerified: true } });
  });

  it('works once: the second use is refused', async () => {
    const tempToken = await tempTokenAt(a, SIM_A);
    expect((await exchange(a, tempToken)).status).toBe(200);
    const again = await exchange(a, tempToken);
    expect(again.status).toBe(400);
    expect(again.json).toEqual({
      error: 'invalid_grant',
      error_description: 'the operator token was already used',
    });
  });

  it('refuses an expired temp_token (the sandbox clock moved past 120 s)', async () => {
    const tempToken = await tempTokenAt(a, SIM_A);
    clock.offset = 120_000;
    const res = await exchange(a, tempToken);
    expect(res.json).toEqual({
      error: 'invalid_grant',
      error_description: 'the operator token has expired',
    });
    clock.offset = 0;
    expect((await exchange(a, tempToken)).status).toBe(200);
  });

  it('refuses an unknown temp_token, and one issued by the other operator', async () => {
    const unknown = await exchange(a, 'never-issued');
    expect(unknown.json).toEqual({
      error: 'invalid_grant',
      error_description: 'the operator token is unknown',
    });
    const foreign = await exchange(a, await tempTokenAt(b, SIM_B));
    expect(foreign.json.error_description).toBe('the operator token is unknown');
  });

  it('runs at sandbox-b in its scope style', async () => {
    const res = await exchange(b, await tempTokenAt(b, SIM_B));
    expect(res.status).toBe(200);
    expect((await devicePhoneNumber(b, res.json.access_token)).json).toEqual({
      devicePhoneNumber: SIM_B.msisdn,
    });
  });
});

describe('end to end: the simulated handset against running sandboxes', () => {
  it('handset.present → temp_token decrypted as the aggregator would → operatortoken: grant → NV', async () => {
    const [aggregator, telephony] = await Promise.all([
      createCertificateChain({ rootName: 'E2E Aggregator Root', leafName: 'E2E Aggregator' }),
      createTelephonyPki('E2E Telephony'),
    ]);
    const sims: HandsetSim[] = [
      {
        slot: 0,
        subscriptionId: 11,
        carrierId: 90001,
        mccMnc: '99901',
        ...SIM_A,
        entitlementUrl: a.url,
        label: 'A',
      },
      {
        slot: 1,
        subscriptionId: 12,
        carrierId: 90002,
        mccMnc: '99902',
        ...SIM_B,
        entitlementUrl: b.url,
        label: 'B',
      },
    ];
    const handset = createHandset({
      telephony,
      sims,
      allowlist: { '99901': [aggregator.rootFingerprint], '99902': [aggregator.rootFingerprint] },
      callerIdentity: 'http://127.0.0.1:3001',
    });
    const byMccMnc: Record<string, RunningSandbox> = { '99901': a, '99902': b };
    for (const sim of sims) {
      const nonce = `e2e-nonce-${sim.slot}-0123456789`;
      const { credential, decryptionKey } = await createTestCredential({
        chain: aggregator,
        nonce,
      });
      const sdJwt = await handset.present(credential, nonce, sim.slot);
      const binding = JSON.parse(
        Buffer.from(sdJwt.split('~')[1]!.split('.')[1]!, 'base64url').toString('utf8'),
      ) as { carrier_hint: string; encrypted_credential: string };
      const { plaintext } = await compactDecrypt(binding.encrypted_credential, decryptionKey);
      const { temp_token } = JSON.parse(new TextDecoder().decode(plaintext)) as {
        temp_token: string;
      };
      const operator = byMccMnc[binding.carrier_hint]!;
      const res = await exchange(operator, temp_token);
      expect(res.status).toBe(200);
      expect((await devicePhoneNumber(operator, res.json.access_token)).json).toEqual({
        devicePhoneNumber: sim.msisdn,
      });
    }
  });
});
