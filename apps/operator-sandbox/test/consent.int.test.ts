import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningSandbox } from '../src/index.js';
import { DeviceBrowser } from '../test-support/device-browser.js';
import {
  FRAUD,
  SWITCHBOARD_CALLBACK,
  authorize,
  callNv,
  decide,
  exchange,
  obtainToken,
  startInstance,
  switchboardAtB,
} from '../test-support/sandbox-fixture.js';

// sandbox-b: consent is the lawful basis of dpv:FraudPreventionAndDetection (seed Annex scenario 2).
const CONSENT_SCOPE = `openid ${FRAUD}#number-verification-verify-read`;
const devices: DeviceBrowser[] = [];
const device = (address: string) => {
  const d = new DeviceBrowser(address);
  devices.push(d);
  return d;
};

describe('lawful basis and consent (sandbox-b)', () => {
  let dataDir: string;
  let sandbox: RunningSandbox;
  const run = (d: DeviceBrowser, o: { prompt?: string; scope?: string } = {}) =>
    authorize(d, sandbox.url, {
      clientId: 'switchboard',
      redirectUri: SWITCHBOARD_CALLBACK,
      scope: o.scope ?? CONSENT_SCOPE,
      ...(o.prompt ? { prompt: o.prompt } : {}),
    });
  const consentPage = async (d: DeviceBrowser) => {
    const outcome = await run(d);
    if (outcome.kind !== 'page')
      throw new Error(`expected the consent page, got ${outcome.params.toString()}`);
    return outcome;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sandbox-consent-'));
    sandbox = await startInstance('sandbox-b', {}, { dataDir });
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()));
    await sandbox.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows a consent page naming the requesting app and the purpose', async () => {
    const page = await consentPage(device('127.20.1.10'));
    expect(page.status).toBe(200);
    expect(page.url).toMatch(/\/interaction\/[\w-]+$/);
    expect(page.html).toContain('<strong>Switchboard</strong>');
    expect(page.html).toContain('Fraud Prevention And Detection');
    expect(page.html).toContain('check whether a phone number');
    expect(page.html).toMatch(/name="csrf" value="[\w-]{20,}"/);
  });

  it('ends with access_denied when the subscriber denies', async () => {
    const d = device('127.20.1.11');
    const page = await consentPage(d);
    const res = await decide(d, sandbox.url, page.html, 'deny');
    const outcome = await followBack(d, res.location);
    expect(outcome.get('error')).toBe('access_denied');
    expect(outcome.get('error_description')).toMatch(/refused consent/);
  });

  it('rejects a forged CSRF token and the form posted from another browser', async () => {
    const d = device('127.20.1.12');
    const page = await consentPage(d);
    const forged = await decide(d, sandbox.url, page.html, 'approve', 'A'.repeat(43));
    expect(forged.status).toBe(403);
    expect(forged.text).toMatch(/CSRF/);
    const action = /action="([^"]+)"/.exec(page.html)![1]!;
    const token = /name="csrf" value="([^"]+)"/.exec(page.html)![1]!;
    // A missing or empty token is refused the same way, and nothing is decided.
    const forms: Array<Record<string, string>> = [
      { decision: 'approve' },
      { csrf: '', decision: 'approve' },
    ];
    for (const form of forms) {
      const missing = await d.postForm(`${sandbox.url}${action}`, form);
      expect(missing.status).toBe(403);
      expect(missing.text).toMatch(/CSRF/);
    }
    const stranger = await device('127.20.1.12').postForm(`${sandbox.url}${action}`, {
      csrf: token,
      decision: 'approve',
    });
    expect(stranger.status).toBe(400);
    expect((await decide(d, sandbox.url, page.html, 'deny')).status).toBe(303);
  });

  it('stores an approval, continues the flow, and skips the page next time (also under prompt=none)', async () => {
    const d = device('127.20.1.2');
    const page = await consentPage(d);
    const res = await decide(d, sandbox.url, page.html, 'approve');
    const params = await followBack(d, res.location);
    expect(params.get('code')).toBeTruthy();
    const tokens = await exchange(
      sandbox.url,
      switchboardAtB,
      params.get('code')!,
      SWITCHBOARD_CALLBACK,
      page.verifier,
    );
    const verified = await callNv(sandbox.url, '/number-verification/v0/verify', {
      token: String(tokens.access_token),
      body: JSON.stringify({ phoneNumber: '491700001002' }),
    });
    expect(verified.json).toEqual({ devicePhoneNumberVerified: true });
    const again = await run(device('127.20.1.2'), { prompt: 'none' });
    expect(again.kind === 'redirect' && again.params.get('code')).toBeTruthy();
  });

  it('answers consent_required under prompt=none when consent is missing', async () => {
    const outcome = await run(device('127.20.1.13'), { prompt: 'none' });
    if (outcome.kind !== 'redirect') throw new Error('expected a redirect');
    expect(outcome.params.get('error')).toBe('consent_required');
  });

  it('needs no consent for a legitimate-interest purpose on the same operator', async () => {
    const outcome = await run(device('127.20.1.14'), {
      scope: 'openid dpv:RequestedServiceProvision#number-verification-share-read',
    });
    expect(outcome.kind === 'redirect' && outcome.params.get('code')).toBeTruthy();
  });

  it('lists consents and revokes one, ending the tokens issued under it', async () => {
    const d = device('127.20.1.15');
    const page = await consentPage(d);
    await followBack(d, (await decide(d, sandbox.url, page.html, 'approve')).location);
    const token = await obtainToken(device('127.20.1.15'), sandbox, switchboardAtB, {
      redirectUri: SWITCHBOARD_CALLBACK,
      scope: CONSENT_SCOPE,
    });
    const list = await d.get(`${sandbox.url}/consents`);
    expect(list.status).toBe(200);
    expect(list.text).toContain('Switchboard');
    expect(list.text).toContain('Fraud Prevention And Detection');
    const csrf = /name="csrf" value="([^"]+)"/.exec(list.text)![1]!;
    const forged = await d.postForm(`${sandbox.url}/consents/revoke`, {
      csrf: 'x',
      clientId: 'switchboard',
      purpose: FRAUD,
    });
    expect(forged.status).toBe(403);
    const revoked = await d.postForm(`${sandbox.url}/consents/revoke`, {
      csrf,
      clientId: 'switchboard',
      purpose: FRAUD,
    });
    expect(revoked.status).toBe(303);
    expect((await d.get(`${sandbox.url}/consents`)).text).toContain('not given any consent');
    const call = await callNv(sandbox.url, '/number-verification/v0/verify', {
      token: String(token.access_token),
      body: JSON.stringify({ phoneNumber: '+491700001015' }),
    });
    expect(call.status).toBe(401);
    const silent = await run(device('127.20.1.15'), { prompt: 'none' });
    expect(silent.kind === 'redirect' && silent.params.get('error')).toBe('consent_required');
  });

  it('refuses the consents page to an unidentified device', async () => {
    expect((await device('127.99.0.3').get(`${sandbox.url}/consents`)).status).toBe(403);
  });

  it('keeps consents across a restart (state file in the data dir)', async () => {
    const d = device('127.20.2.1');
    const page = await consentPage(d);
    await followBack(d, (await decide(d, sandbox.url, page.html, 'approve')).location);
    await sandbox.close();
    const state = JSON.parse(await readFile(join(dataDir, 'sandbox-b', 'state.json'), 'utf8')) as {
      consents: unknown[];
    };
    expect(state.consents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ clientId: 'switchboard', purpose: FRAUD }),
      ]),
    );
    sandbox = await startInstance('sandbox-b', {}, { dataDir });
    const silent = await run(device('127.20.2.1'), { prompt: 'none' });
    expect(silent.kind === 'redirect' && silent.params.get('code')).toBeTruthy();
  });

  async function followBack(
    d: DeviceBrowser,
    location: string | undefined,
  ): Promise<URLSearchParams> {
    if (!location) throw new Error('expected a redirect after the decision');
    const { response } = await d.navigate(location, new URL(sandbox.url).origin);
    if (!response.location?.startsWith(SWITCHBOARD_CALLBACK))
      throw new Error(`expected the client redirect, got ${response.status}`);
    return new URL(response.location).searchParams;
  }
});
