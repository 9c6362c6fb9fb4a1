import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { DeviceBrowser, answerConsentOnDevice } from '@switchboard/operator-sandbox/test-support';
import {
  SANDBOX_B_LOOPBACK_MSISDN,
  startSwitchboardStack,
  type SwitchboardStack,
} from '../test-support/switchboard-stack.js';
import {
  artifactsDir,
  describeBrowser as describeBrowserIfChromium,
  launchChromium,
} from '../test-support/chromium.js';

// The demo app in headless Debian Chromium, through Switchboard: demo app → aggregator →
// operator → aggregator → demo app, then the CAMARA call through the aggregator's proxy. The
// browser connects from 127.0.0.1, routed first to sandbox-a (+34600000001), then to sandbox-b,
// whose purpose needs consent.
const ARTIFACTS = artifactsDir('switchboard');
const describeBrowser = describeBrowserIfChromium('switchboard-browser.e2e.test');

describeBrowser('demo app through Switchboard in headless Chromium', () => {
  let browser: Browser;
  let stack: SwitchboardStack;

  beforeAll(async () => {
    stack = await startSwitchboardStack();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  // The origins each page's top-level navigations went through, to show the route taken.
  const hops = new WeakMap<Page, Set<string>>();
  const origin = (url: string) => new URL(url).origin;

  /** Opens a page of the demo, types the number and clicks the button. */
  const verifyIn = async (url: string, phoneNumber: string, button: RegExp): Promise<Page> => {
    const page = await browser.newPage();
    const seen = new Set<string>();
    hops.set(page, seen);
    page.on('request', (r) => {
      if (r.isNavigationRequest()) seen.add(origin(r.url()));
    });
    await page.goto(url);
    await page.getByLabel('Mobile number').fill(phoneNumber);
    await page.getByRole('button', { name: button }).click();
    return page;
  };
  /** Waits for the demo's result page, saves its screenshot, returns its status and text. */
  const finish = async (page: Page, name: string) => {
    await page.waitForSelector('h1[data-result]');
    expect(origin(page.url())).toBe(origin(stack.demo.url));
    await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
    const result = await page.getAttribute('h1[data-result]', 'data-result');
    const text = await page.locator('main').innerText();
    const route = hops.get(page) ?? new Set<string>();
    await page.close();
    return { result, text, route };
  };

  it('verifies the subscriber’s number (sandbox-a)', async () => {
    const ok = await finish(
      await verifyIn(stack.demo.url, '+34 600 000 001', /Verify silently/),
      'verified',
    );
    expect(ok.result).toBe('verified');
    expect(ok.route).toEqual(
      new Set([stack.demo.url, stack.agg.publicUrl, stack.sandboxes[0]!.url].map(origin)),
    );
    expect(ok.text).toContain('Number verified');
    expect(ok.text).toContain('You are signed in');
  });

  it('says "not verified" for another number (sandbox-a)', async () => {
    const wrong = await finish(
      await verifyIn(stack.demo.url, '+34600000002', /Verify silently/),
      'not-verified',
    );
    expect(wrong.result).toBe('not-verified');
    expect(wrong.text).toContain('not the number of this device');
  });

  it('confirms a transfer with Number Verification and SIM Swap in one authorization: approved (sandbox-a)', async () => {
    const approved = await finish(
      await verifyIn(
        `${stack.demo.url}/transfer`,
        '+34 600 000 001',
        /Verify silently and confirm/,
      ),
      'transfer-approved',
    );
    expect(approved.result).toBe('verified');
    expect(approved.text).toContain('Transfer approved');
    expect(approved.text).toContain('its SIM card has not changed recently');
  });

  it('checks the details the customer typed with KYC Match, field by field (sandbox-a)', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.demo.url}/details`);
    await page.getByLabel('Mobile number').fill('+34600000001');
    await page.getByLabel('Given name').fill('Carmen');
    await page.getByLabel('Family name').fill('Ruiz');
    await page.getByLabel('Postal code').fill('28014');
    await page.getByRole('button', { name: 'Check with my operator' }).click();
    const checked = await finish(page, 'details-checked');
    expect(checked.result).toBe('not-verified');
    expect(checked.text).toMatch(/Given name\s+Carmen\s+Matches/);
    expect(checked.text).toMatch(/Family name\s+Ruiz\s+Does not match \(\d+% similar\)/);
    expect(checked.text).toMatch(/Postal code\s+28014\s+Matches/);
  });

  /** The Call centre page: the agent types the caller's number; CIBA through Switchboard. */
  const callCentre = async (phoneNumber: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(`${stack.demo.url}/call-centre`);
    await page.getByLabel("Caller's mobile number").fill(phoneNumber);
    await page.getByRole('button', { name: 'Check with the operator' }).click();
    return page;
  };
  const callCentreResult = async (page: Page, name: string) => {
    await page.waitForSelector('h1[data-result]:not([data-result="pending"])', { timeout: 20_000 });
    return finish(page, name);
  };

  it('call centre: +346001000007’s recent SIM change, through Switchboard (CIBA, sandbox-a)', async () => {
    const shown = await callCentreResult(await callCentre('+346001000007'), 'call-centre-result');
    expect(shown.result).toBe('held');
    expect(shown.text).toContain('SIM changed in the last 10 days — verify the caller another way');
  });

  it('call centre: pending until the sandbox-b subscriber approves on the device, then the result', async () => {
    const page = await callCentre('+491700000005');
    await page.waitForSelector('h1[data-result="pending"]');
    await page.screenshot({ path: `${ARTIFACTS}call-centre-pending.png`, fullPage: true });
    const device = new DeviceBrowser('127.20.0.5');
    try {
      await answerConsentOnDevice(stack.sandboxes[1]!.url, device, 'approve');
    } finally {
      await device.close();
    }
    const shown = await callCentreResult(page, 'call-centre-approved');
    expect(shown.result).toBe('verified');
    expect(shown.text).toContain('No recent SIM change');
  });

  describe('consent operator (127.0.0.1 routed to sandbox-b)', () => {
    beforeAll(async () => {
      await stack.routeLoopbackTo('sandbox-b');
    });

    /** prompt=none ends in consent_required; "Continue" reaches the operator's consent page. */
    const toConsentPage = async (): Promise<Page> => {
      const page = await verifyIn(stack.demo.url, SANDBOX_B_LOOPBACK_MSISDN, /Verify silently/);
      await page.getByRole('button', { name: 'Continue to give permission' }).click();
      await page.waitForSelector('button[value="approve"]');
      expect(origin(page.url())).toBe(origin(stack.sandboxes[1]!.url));
      expect(await page.locator('h1').innerText()).toBe('Sandbox Operator B');
      return page;
    };

    // Deny first: an approval is remembered by the operator, and the next flow is silent.
    it('deny → a clear message', async () => {
      const page = await toConsentPage();
      await page.getByRole('button', { name: 'Deny' }).click();
      const denied = await finish(page, 'consent-denied');
      expect(denied.result).toBe('error');
      expect(denied.text).toContain('You did not give permission');
    });

    it('approve → verified', async () => {
      const page = await toConsentPage();
      await page.screenshot({ path: `${ARTIFACTS}consent-page.png`, fullPage: true });
      await page.getByRole('button', { name: 'Allow' }).click();
      const approved = await finish(page, 'consent-approved');
      expect(approved.result).toBe('verified');
      expect(approved.route).toContain(origin(stack.agg.publicUrl));
      expect(approved.route).not.toContain(origin(stack.sandboxes[0]!.url));
      expect(approved.text).toContain(SANDBOX_B_LOOPBACK_MSISDN);
    });
  });
});
