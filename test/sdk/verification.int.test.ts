import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSandbox } from '@switchboard/operator-sandbox';
import {
  CamaraApiError,
  NetworkNotIdentifiedError,
  OAuthError,
  SwitchboardError,
  createSwitchboardClient,
  type StartVerificationOptions,
  type SwitchboardClient,
} from '@switchboard/sdk';
import {
  CALLBACK,
  DeviceBrowser,
  FRAUD,
  basicClient,
  browse,
  clientKeys,
  startOperator,
} from './sdk-fixture.js';

// sandbox-a: legitimate interest for every purpose, so the flow is silent (prompt=none).
describe('SDK against an operator sandbox (sandbox-a, CAMARA style)', () => {
  let sandbox: RunningSandbox;
  let client: SwitchboardClient;
  let jwtClient: SwitchboardClient;
  const devices: DeviceBrowser[] = [];
  const device = (address: string) => {
    const d = new DeviceBrowser(address);
    devices.push(d);
    return d;
  };

  /** startVerification → the device's browser → completeVerification. */
  const flow = async (
    address: string,
    o: Partial<StartVerificationOptions> = {},
    via: SwitchboardClient = client,
  ) => {
    const started = await via.startVerification({ purpose: FRAUD, prompt: 'none', ...o });
    const outcome = await browse(device(address), started.url);
    if (outcome.kind !== 'callback') throw new Error(`no callback: ${outcome.status}`);
    return via.completeVerification(outcome.url, started.saved);
  };

  beforeAll(async () => {
    const keys = await clientKeys();
    sandbox = await startOperator('sandbox-a', keys.publicJwk);
    client = basicClient(sandbox.url);
    jwtClient = createSwitchboardClient({
      issuer: sandbox.url,
      clientId: 'sdk-jwt',
      privateKey: keys.privateJwk,
      redirectUri: CALLBACK,
      allowInsecureRequests: true,
    });
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()));
    await sandbox.close();
  });

  it("verifies the device's own number (true) with network-based authentication", async () => {
    const session = await flow('127.10.0.5');
    expect(session.scope).toContain('number-verification:verify');
    expect(session.expiresAt).toBeGreaterThan(Date.now());
    expect(session.idTokenClaims.amr).toEqual(['nbma']);
    expect(String(session.idTokenClaims.sub)).not.toContain('346001000005');
    await expect(client.verify(session, '+346001000005')).resolves.toBe(true);
  });

  it('answers false for another number', async () => {
    const session = await flow('127.10.0.5');
    await expect(client.verify(session, '+346001000006')).resolves.toBe(false);
  });

  it('reads the device phone number with the device-phone-number operation', async () => {
    const session = await flow('127.10.0.5', { operations: ['device-phone-number'] });
    await expect(client.devicePhoneNumber(session)).resolves.toBe('+346001000005');
  });

  it('authenticates with private_key_jwt', async () => {
    const session = await flow('127.10.3.7', {}, jwtClient);
    await expect(jwtClient.verify(session, '+346001003007')).resolves.toBe(true);
  });

  it('accepts the phone number as login_hint', async () => {
    const session = await flow('127.10.0.8', { phoneNumber: '+346001000008' });
    await expect(client.verify(session, '+346001000008')).resolves.toBe(true);
  });

  it('raises NetworkNotIdentifiedError for a device off the mobile network (Wi-Fi)', async () => {
    const err = await flow('127.99.0.1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkNotIdentifiedError);
    expect(err).toMatchObject({ code: 'NETWORK_NOT_IDENTIFIED', error: 'access_denied' });
  });

  it('raises OAuthError invalid_scope for a purpose the operator does not offer', async () => {
    const err = await flow('127.10.0.5', { purpose: 'dpv:Marketing' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toMatchObject({ code: 'OAUTH_ERROR', error: 'invalid_scope' });
  });

  it('refuses a callback whose state is not the saved one', async () => {
    const first = await client.startVerification({ purpose: FRAUD, prompt: 'none' });
    const other = await client.startVerification({ purpose: FRAUD, prompt: 'none' });
    const outcome = await browse(device('127.10.0.5'), first.url);
    if (outcome.kind !== 'callback') throw new Error('no callback');
    const err = await client.completeVerification(outcome.url, other.saved).catch((e) => e);
    expect(err).toBeInstanceOf(SwitchboardError);
    expect(err).not.toBeInstanceOf(OAuthError);
  });

  it('maps a spent single-use token to CamaraApiError 401 with the correlator', async () => {
    const session = await flow('127.10.0.5');
    await client.verify(session, '+346001000005');
    const err = await client
      .verify(session, '+346001000005', { correlator: 'test-spent-1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CamaraApiError);
    expect(err).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', correlator: 'test-spent-1' });
  });

  it('maps a missing scope to CamaraApiError 403 PERMISSION_DENIED', async () => {
    const session = await flow('127.10.0.5');
    const err = await client.devicePhoneNumber(session).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 403, code: 'PERMISSION_DENIED' });
    expect((err as CamaraApiError).correlator).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a number that is not E.164 before calling the API', async () => {
    const session = await flow('127.10.0.5');
    await expect(client.verify(session, '600000001')).rejects.toMatchObject({
      code: 'INVALID_PHONE_NUMBER',
    });
  });

  it('refuses an http:// issuer unless allowInsecureRequests is set', async () => {
    const strict = basicClient(sandbox.url, { allowInsecureRequests: false });
    await expect(strict.startVerification({ purpose: FRAUD })).rejects.toBeInstanceOf(
      SwitchboardError,
    );
  });
});
