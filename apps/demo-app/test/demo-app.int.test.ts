import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { refusedPort } from '@switchboard/test-kit/test-support';
import { loadConfig } from '../src/config.js';
import { startDemoApp } from '../src/index.js';
import {
  DeviceBrowser,
  browseToPage,
  startDemoStack,
  submitForm,
  type DemoStack,
} from '../test-support/demo-stack.js';

// The demo app end to end over real sockets: device browser → demo app → sandbox-a → back.
describe('demo app with sandbox-a', () => {
  let stack: DemoStack;
  const devices: DeviceBrowser[] = [];
  const device = (address: string) => {
    const d = new DeviceBrowser(address);
    devices.push(d);
    return d;
  };
  /** Opens a use case's page and submits its form with a phone number. */
  const verify = async (address: string, phoneNumber: string, page = '/') => {
    const d = device(address);
    const form = await d.get(`${stack.demo.url}${page}`);
    return submitForm(d, stack.demo.url, form.text, { phoneNumber });
  };

  beforeAll(async () => {
    stack = await startDemoStack('sandbox-a');
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()));
    await stack.close();
  });

  it('fast login: the device verifies its own number', async () => {
    const result = await verify('127.10.0.5', '+34 6001 000 005');
    expect(result.status).toBe(200);
    expect(result.html).toContain('data-result="verified"');
    expect(result.html).toContain('You are signed in');
    expect(result.headers['cache-control']).toBe('no-store');
  });

  it('confirm a transfer: verified and no recent SIM change, the transfer is approved', async () => {
    const result = await verify('127.10.0.5', '+346001000005', '/transfer');
    expect(result.html).toContain('data-result="verified"');
    expect(result.html).toContain('Transfer approved');
  });

  it('confirm a transfer: +346001000007, whose SIM changed 30 minutes before the operator started, is held', async () => {
    const result = await verify('127.10.0.7', '+346001000007', '/transfer');
    expect(result.html).toContain('data-result="held"');
    // The exact wording ("30 minutes") is unit-tested with a fixed clock (anti-fraud-views.test.ts).
    expect(result.html).toMatch(/Held: the SIM card of \+346001000007 changed \d+ minutes ago/);
  });

  it('check details: KYC Match says, field by field, what the operator’s record confirms', async () => {
    const d = device('127.10.0.5');
    const form = await d.get(`${stack.demo.url}/details`);
    const result = await submitForm(d, stack.demo.url, form.text, {
      phoneNumber: '+346001000005',
      givenName: 'Ana',
      familyName: 'García López',
      postalCode: '28013',
      birthdate: '1985-04-13',
    });
    expect(result.html).toContain('data-result="not-verified"');
    expect(result.html).toContain(
      'Your mobile operator&#39;s record confirms 3 of the 4 details you gave.',
    );
    const outcomes = [
      ...result.html.matchAll(
        /<th scope="row">([^<]+)<\/th><td>[^<]*<\/td><td class="[^"]+" data-outcome="([^"]+)"/g,
      ),
    ].map((m) => `${m[1]}: ${m[2]}`);
    expect(outcomes).toEqual([
      'Given name: match',
      'Family name: match',
      'Postal code: match',
      'Date of birth: mismatch',
    ]);
  });

  it('another number is "not verified" with advice', async () => {
    const result = await verify('127.10.0.5', '+346001000099');
    expect(result.html).toContain('data-result="not-verified"');
    expect(result.html).toContain('Number not verified');
    expect(result.html).toContain('Check the number you typed');
  });

  it('a device off the mobile network is told to turn off Wi-Fi or use another method', async () => {
    const result = await verify('127.99.0.1', '+346001000005');
    expect(result.html).toContain('data-result="error"');
    expect(result.html).toContain('Turn off Wi-Fi, use mobile data, and try again.');
    expect(result.html).toContain('another method');
    expect(result.html).toContain('NETWORK_NOT_IDENTIFIED');
  });

  it('re-shows the form for a number without country code, accessibly', async () => {
    const result = await verify('127.10.0.5', '600000005');
    expect(result.status).toBe(400);
    expect(result.html).toContain('aria-invalid="true"');
    expect(result.html).toContain('with its country code');
  });

  it('refuses a form without the CSRF token', async () => {
    const d = device('127.10.0.5');
    await d.get(`${stack.demo.url}/`);
    const res = await d.postForm(`${stack.demo.url}/verify`, {
      csrf: 'forged',
      phoneNumber: '+346001000005',
    });
    expect(res.status).toBe(403);
    expect(res.location).toBeUndefined();
  });

  it('refuses to replay a callback', async () => {
    const d = device('127.10.0.5');
    const form = await d.get(`${stack.demo.url}/`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)![1]!;
    const started = await d.postForm(`${stack.demo.url}/verify`, {
      csrf,
      phoneNumber: '+346001000005',
    });
    const { response } = await d.navigate(started.location!);
    const callback = response.location!;
    expect((await d.get(callback)).text).toContain('data-result="verified"');
    const replay = await d.get(callback);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('Please start again');
  });

  it('sends security headers on every page', async () => {
    const res = await browseToPage(device('127.10.0.5'), `${stack.demo.url}/`);
    expect(res.headers['content-security-policy']).toMatch(
      /^default-src 'self'; style-src 'sha256-/,
    );
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['pragma']).toBe('no-cache');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.html).toContain('<html lang="en">');
    expect(res.html).toContain('<label for="phoneNumber">');
  });
});

describe('demo app with its provider down', () => {
  it('says the service is not answering and suggests another method', async () => {
    // An issuer that refuses connections, on a port the test holds (never a freed port).
    const down = await refusedPort();
    const config = loadConfig({
      NODE_ENV: 'test',
      ISSUER: down.origin,
      PORT: '0',
      CLIENT_SECRET: 'demo-app-test-client-secret',
      SESSION_SECRET: 'demo-app-test-session-secret-0123456789',
    });
    const demo = await startDemoApp(config);
    const d = new DeviceBrowser('127.10.0.5');
    try {
      const form = await d.get(`${demo.url}/`);
      const result = await submitForm(d, demo.url, form.text, { phoneNumber: '+346001000005' });
      expect(result.status).toBe(502);
      expect(result.html).toContain('not answering');
      expect(result.html).toContain('another method');
    } finally {
      await d.close();
      await demo.close();
      await down.release();
    }
  });
});
