import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSandbox } from '../src/index.js';
import { DeviceBrowser } from '../test-support/device-browser.js';
import {
  FRAUD,
  SWITCHBOARD_CALLBACK,
  authorize,
  decide,
  follow,
  startInstance,
} from '../test-support/sandbox-fixture.js';

// RFC 6749 §10.12 on the operator's side: the consent page and the resumed authorization
// belong to the browser that started the request. An attacker who gets a victim's phone to
// load its consent page, post its form or load its resume URL completes nothing. Attacker
// and victim are two browsers on sandbox-b's network with their own cookie jars.
const CONSENT_SCOPE = `openid ${FRAUD}#number-verification-verify-read`;
const devices: DeviceBrowser[] = [];
const device = (address: string) => {
  const d = new DeviceBrowser(address);
  devices.push(d);
  return d;
};

describe('cross-device requests at the operator (sandbox-b)', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startInstance('sandbox-b');
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()));
    await sandbox.close();
  });

  const run = (d: DeviceBrowser, prompt?: string) =>
    authorize(d, sandbox.url, {
      clientId: 'switchboard',
      redirectUri: SWITCHBOARD_CALLBACK,
      scope: CONSENT_SCOPE,
      ...(prompt ? { prompt } : {}),
    });
  const consentPage = async (d: DeviceBrowser) => {
    const outcome = await run(d);
    if (outcome.kind !== 'page' || outcome.status !== 200)
      throw new Error('expected the consent page');
    return outcome;
  };
  /** Whether the line behind `d` has consented: a silent authorization says. */
  const silentError = async (d: DeviceBrowser) => {
    const outcome = await run(d, 'none');
    return outcome.kind === 'redirect' ? outcome.params.get('error') : `page ${outcome.status}`;
  };

  it("a victim's browser loading the attacker's consent page gets no consent form", async () => {
    const attacker = device('127.20.7.1');
    const victim = device('127.20.7.2');
    const page = await consentPage(attacker);
    const lured = await victim.get(page.url);
    expect(lured.status).toBe(400);
    expect(lured.location).toBeUndefined();
    expect(lured.text).not.toMatch(/name="csrf"/);
  });

  it("a victim's browser posting the attacker's consent form completes nothing", async () => {
    const attacker = device('127.20.7.3');
    const victim = device('127.20.7.4');
    const page = await consentPage(attacker);
    const posted = await decide(victim, sandbox.url, page.html, 'approve');
    expect(posted.status).toBe(400);
    expect(posted.location).toBeUndefined();
    // No consent was recorded for either line…
    expect(await silentError(victim)).toBe('consent_required');
    expect(await silentError(attacker)).toBe('consent_required');
    // …and the attacker's request still waits for its own browser's decision.
    const own = await decide(attacker, sandbox.url, page.html, 'deny');
    expect(own.status).toBe(303);
    const back = await follow(attacker, sandbox.url, own.location!, SWITCHBOARD_CALLBACK, '');
    expect(back.kind === 'redirect' && back.params.get('error')).toBe('access_denied');
  });

  it("a victim's browser loading the attacker's resume URL does not complete the authorization", async () => {
    const attacker = device('127.20.7.5');
    const victim = device('127.20.7.6');
    const page = await consentPage(attacker);
    const approved = await decide(attacker, sandbox.url, page.html, 'approve');
    const resume = approved.location!;
    expect(new URL(resume).pathname).toMatch(/^\/auth\//);
    const stolen = await follow(victim, sandbox.url, resume, SWITCHBOARD_CALLBACK, '');
    expect(stolen.kind).toBe('page');
    expect(stolen.kind === 'page' && stolen.status).toBe(400);
    const own = await follow(attacker, sandbox.url, resume, SWITCHBOARD_CALLBACK, '');
    expect(own.kind === 'redirect' && own.params.get('code')).toBeTruthy();
  });
});
