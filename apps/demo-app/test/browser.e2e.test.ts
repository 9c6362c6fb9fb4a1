import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startDemoStack, type DemoStack } from '../test-support/demo-stack.js';
import {
  artifactsDir,
  describeBrowser as describeBrowserIfChromium,
  launchChromium,
} from '../test-support/chromium.js';

// Headless Debian Chromium through playwright-core. The browser connects from 127.0.0.1,
// which sandbox-a knows as +34600000001; sandbox-b is told the same address is its
// subscriber +491700000001 so its consent page can be exercised from this machine.
const ARTIFACTS = artifactsDir('demo-app');
const describeBrowser = describeBrowserIfChromium('browser.e2e.test');

describeBrowser('demo app in headless Chromium', () => {
  let browser: Browser;
  const stacks: DemoStack[] = [];
  const stack = async (...args: Parameters<typeof startDemoStack>) => {
    const s = await startDemoStack(...args);
    stacks.push(s);
    return s;
  };

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(stacks.map((s) => s.close()));
  });

  /** Opens a page of the demo, types the number, clicks the button, waits for a result. */
  const verifyIn = async (url: string, phoneNumber: string, button: RegExp): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByLabel('Mobile number').fill(phoneNumber);
    await page.getByRole('button', { name: button }).click();
    return page;
  };
  const finish = async (page: Page, name: string) => {
    await page.waitForSelector('h1[data-result]');
    await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
    const result = await page.getAttribute('h1[data-result]', 'data-result');
    // The inline CSS is allowed by its CSP hash: the page really is styled.
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(245, 247, 250)');
    const text = await page.locator('main').innerText();
    await page.close();
    return { result, text };
  };

  it('fast login: verified, and a wrong number: not verified (sandbox-a)', async () => {
    const { demo } = await stack('sandbox-a');
    const ok = await finish(
      await verifyIn(demo.url, '+34 600 000 001', /Verify silently/),
      'verified',
    );
    expect(ok.result).toBe('verified');
    expect(ok.text).toContain('You are signed in');
    const wrong = await finish(
      await verifyIn(`${demo.url}/transfer`, '+34600000002', /confirm/i),
      'not-verified',
    );
    expect(wrong.result).toBe('not-verified');
  });

  it('off the mobile network: advice to turn off Wi-Fi', async () => {
    const { demo } = await stack(
      'sandbox-a',
      {},
      { subscribers: [{ cidr: '127.10.0.0/16', msisdnPrefix: '+346001' }] },
    );
    const wifi = await finish(await verifyIn(demo.url, '+34600000001', /Verify silently/), 'wifi');
    expect(wifi.result).toBe('error');
    expect(wifi.text).toContain('Turn off Wi-Fi');
  });

  it('consent operator: deny → clear message, then approve → verified (sandbox-b)', async () => {
    const subscribers = [{ address: '127.0.0.1', msisdn: '+491700000001' }];
    // Other subscribers than the config's: its SIM Swap data and operator-token SIMs (which name
    // them) go too.
    const overrides = { subscribers, simSwap: undefined, operatorToken: undefined };
    const { demo } = await stack('sandbox-b', {}, overrides);
    const toConsent = async () => {
      const page = await verifyIn(demo.url, '+491700000001', /Verify silently/);
      await page.getByRole('button', { name: 'Continue to give permission' }).click();
      await page.waitForSelector('form[method="post"]');
      expect(await page.locator('body').innerText()).toContain('Demo Bank');
      return page;
    };
    const denyPage = await toConsent();
    await denyPage.getByRole('button', { name: /deny|refuse|decline/i }).click();
    const denied = await finish(denyPage, 'consent-denied');
    expect(denied.text).toContain('You did not give permission');
    const approvePage = await toConsent();
    await approvePage.screenshot({ path: `${ARTIFACTS}consent-page.png`, fullPage: true });
    await approvePage.getByRole('button', { name: /approve|allow|agree/i }).click();
    const approved = await finish(approvePage, 'consent-approved');
    expect(approved.result).toBe('verified');
  });
});
