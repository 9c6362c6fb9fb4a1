import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { answerConsentOnDevice } from '@switchboard/operator-sandbox/test-support';
import { DeviceBrowser, startDemoStack, type DemoStack } from '../test-support/demo-stack.js';
import {
  artifactsDir,
  describeBrowser as describeBrowserIfChromium,
  launchChromium,
} from '../test-support/chromium.js';

// The Call centre page in headless Debian Chromium: the agent types the caller's number, the
// demo app runs CIBA with its backend client, and the status page refreshes itself (meta
// refresh, no JavaScript) until the operator answers. The subscriber of sandbox-b approves on
// the operator's /consents page from the line's device (127.20.0.5 → +491700000005).
const ARTIFACTS = artifactsDir('demo-app');
const describeBrowser = describeBrowserIfChromium('call-centre.e2e.test');

describeBrowser('the Call centre page in headless Chromium', () => {
  let browser: Browser;
  let a: DemoStack;
  let b: DemoStack;

  beforeAll(async () => {
    [a, b] = await Promise.all([startDemoStack('sandbox-a'), startDemoStack('sandbox-b')]);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  /** The agent opens the page from the nav, types the caller's number (and details), submits. */
  const check = async (
    stack: DemoStack,
    phoneNumber: string,
    details: Record<string, string> = {},
    formScreenshot?: string,
  ) => {
    const page = await browser.newPage();
    await page.goto(stack.demo.url);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Call centre' })
      .click();
    await page.getByLabel("Caller's mobile number").fill(phoneNumber);
    for (const [label, value] of Object.entries(details)) await page.getByLabel(label).fill(value);
    if (formScreenshot)
      await page.screenshot({ path: `${ARTIFACTS}${formScreenshot}.png`, fullPage: true });
    await page.getByRole('button', { name: 'Check with the operator' }).click();
    return page;
  };
  /** Waits for the status page to refresh itself into a result; returns its status and text. */
  const result = async (page: Page, screenshot?: string) => {
    await page.waitForSelector('h1[data-result]:not([data-result="pending"])', { timeout: 20_000 });
    if (screenshot)
      await page.screenshot({ path: `${ARTIFACTS}${screenshot}.png`, fullPage: true });
    // The inline CSS is allowed by its CSP hash: the page really is styled.
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(245, 247, 250)');
    const status = await page.getAttribute('h1[data-result]', 'data-result');
    const text = await page.locator('main').innerText();
    await page.close();
    return { status, text };
  };

  it('+346001000007, whose SIM changed 30 minutes ago: verify the caller another way (sandbox-a)', async () => {
    const page = await check(a, '+34 6001 000 007', { 'Given name': 'Luis' }, 'call-centre-form');
    const shown = await result(page, 'call-centre-result');
    expect(shown.status).toBe('held');
    expect(shown.text).toContain('SIM changed in the last 10 days — verify the caller another way');
    expect(shown.text).toMatch(/Given name\s+Luis\s+Matches/);
  });

  it('+346001000005: no recent SIM change, and the details the caller gave (sandbox-a)', async () => {
    const page = await check(a, '+346001000005', { 'Given name': 'Ana', 'Family name': 'Ruiz' });
    const shown = await result(page, 'call-centre-no-change');
    expect(shown.status).toBe('verified');
    expect(shown.text).toContain('No recent SIM change');
    expect(shown.text).toMatch(/Given name\s+Ana\s+Matches/);
    expect(shown.text).toMatch(/Family name\s+Ruiz\s+Does not match/);
  });

  it('consent operator: pending until the subscriber approves on the device, then the result (sandbox-b)', async () => {
    const page = await check(b, '+491700000005');
    await page.waitForSelector('h1[data-result="pending"]');
    expect(await page.locator('h1').innerText()).toBe(
      'Waiting for the customer to approve on their phone…',
    );
    await page.screenshot({ path: `${ARTIFACTS}call-centre-pending.png`, fullPage: true });
    // A few self-refreshes while nobody answers: still pending.
    await page.waitForTimeout(2_500);
    expect(await page.getAttribute('h1[data-result]', 'data-result')).toBe('pending');
    const device = new DeviceBrowser('127.20.0.5');
    try {
      const answered = await answerConsentOnDevice(b.sandbox.url, device, 'approve');
      expect(answered.status).toBeLessThan(400);
    } finally {
      await device.close();
    }
    const shown = await result(page, 'call-centre-approved');
    expect(shown.status).toBe('verified');
    expect(shown.text).toContain('No recent SIM change');
    expect(shown.text).toContain('+491700000005');
  });
});
