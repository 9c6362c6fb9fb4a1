import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import type { RunningSandbox } from '@switchboard/operator-sandbox';
import { createVerificationRoutes, type VerificationOutcome } from '@switchboard/sdk/express';
import { createSwitchboardClient } from '@switchboard/sdk';
import { DeviceBrowser, FRAUD, SECRET, clientKeys, startOperator } from './sdk-fixture.js';

// The express helper in a real app over real sockets, against sandbox-a.
describe('createVerificationRoutes', () => {
  let sandbox: RunningSandbox;
  let server: Server;
  let appUrl: string;
  let inner: RequestHandler = (_req, _res, next) => next();
  const outcomes: VerificationOutcome[] = [];
  const devices: DeviceBrowser[] = [];

  beforeAll(async () => {
    const app = express();
    app.use((req, res, next) => inner(req, res, next));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const keys = await clientKeys();
    sandbox = await startOperator('sandbox-a', keys.publicJwk, {}, `${appUrl}/callback`);
    const client = createSwitchboardClient({
      issuer: sandbox.url,
      clientId: 'sdk-basic',
      clientSecret: SECRET,
      redirectUri: `${appUrl}/callback`,
      allowInsecureRequests: true,
    });
    inner = createVerificationRoutes({
      client,
      purpose: FRAUD,
      callbackPath: '/callback',
      onComplete(outcome, _req, res) {
        outcomes.push(outcome);
        res.type('text').send(outcome.ok ? `verified=${outcome.verified}` : outcome.error.code);
      },
    });
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()));
    await sandbox.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const run = async (address: string, phoneNumber: string) => {
    const device = new DeviceBrowser(address);
    devices.push(device);
    const started = await device.postForm(`${appUrl}/verification/start`, { phoneNumber });
    if (started.status !== 303 || !started.location) return started.text;
    const { response } = await device.navigate(started.location);
    if (!response.location?.startsWith(`${appUrl}/callback`)) throw new Error('no callback');
    return (await device.get(response.location)).text;
  };

  it('starts, completes and verifies the typed number', async () => {
    await expect(run('127.10.0.21', '+34 6001 000 021')).resolves.toBe('verified=true');
    expect(outcomes.at(-1)).toMatchObject({ ok: true, phoneNumber: '+346001000021' });
  });

  it('reports a wrong number as not verified', async () => {
    await expect(run('127.10.0.21', '+346001000022')).resolves.toBe('verified=false');
  });

  it('hands typed errors to onComplete', async () => {
    await expect(run('127.99.0.2', '+346001000021')).resolves.toBe('NETWORK_NOT_IDENTIFIED');
    await expect(run('127.10.0.21', 'call me')).resolves.toBe('INVALID_PHONE_NUMBER');
  });

  it('refuses a callback without a started verification (no replay)', async () => {
    const device = new DeviceBrowser('127.10.0.21');
    devices.push(device);
    const res = await device.get(`${appUrl}/callback?code=x&state=y`);
    expect(res.text).toBe('NO_PENDING_VERIFICATION');
  });
});
