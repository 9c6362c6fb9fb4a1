import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startSwitchboardStack, type SwitchboardStack } from '../test-support/switchboard-stack.js';
import {
  artifactsDir,
  describeBrowser as describeBrowserIfChromium,
  launchChromium,
} from '../test-support/chromium.js';

// "No mobile data? Verify with your SIM" in headless Debian Chromium, through Switchboard: the
// demo app asks the aggregator for the OpenID4VP credential, its simulated dual-SIM phone shows
// the OS consent sheet, the SIM's operator (TS.43 entitlement server of the sandbox) issues a
// temp_token, the aggregator exchanges the SD-JWT with that operator, and Number Verification
// answers. The browser's own address plays no part (the Wi-Fi path): 127.0.0.1 is not even
// routed to the chosen SIM's operator in the sandbox-b cases. Then the refusals a user can meet: a
// phone whose SIM's carrier no operator offers (carrier_not_supported) and, after `rotate --root`,
// an aggregator root the phone's allowlist does not hold.
const ARTIFACTS = artifactsDir('switchboard');
const describeBrowser = describeBrowserIfChromium('sim.e2e.test');

describeBrowser('"Verify with your SIM" through Switchboard in headless Chromium', () => {
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

  /** Opens the sign-in page, optionally types a number, clicks the SIM button: the sheet. */
  const openSheet = async (phoneNumber = '', screenshot?: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(stack.demo.url);
    if (phoneNumber) await page.getByLabel('Mobile number').fill(phoneNumber);
    if (screenshot) await page.screenshot({ path: `${ARTIFACTS}sim-sign-in.png`, fullPage: true });
    await page.getByRole('button', { name: 'No mobile data? Verify with your SIM' }).click();
    await page.waitForSelector('[role="dialog"]');
    expect(new URL(page.url()).pathname).toBe('/sim/consent');
    if (screenshot)
      await page.screenshot({ path: `${ARTIFACTS}${screenshot}.png`, fullPage: true });
    return page;
  };
  /** Waits for the result page, saves its screenshot, returns its status and text. */
  const finish = async (page: Page, name: string) => {
    await page.waitForSelector('h1[data-result]');
    await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
    // The inline CSS is allowed by its CSP hash: the page really is styled.
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(245, 247, 250)');
    const result = await page.getAttribute('h1[data-result]', 'data-result');
    const text = await page.locator('main').innerText();
    await page.close();
    return { result, text };
  };

  it('shows the OS consent sheet with the aggregator’s consent text and both SIMs; SIM 1 → sandbox-a’s number', async () => {
    const page = await openSheet('', 'sim-consent-sheet');
    const sheet = page.getByRole('dialog');
    // (textContent: the badge's CSS writes it in capitals.)
    expect(await sheet.textContent()).toContain('Simulated Android system dialog');
    // The consent text is the aggregator's (consent_data of the credential_authorization_jwt),
    // naming the app by its client name.
    expect(await sheet.locator('[data-consent-text]').innerText()).toBe(
      'Demo Bank wants to know the phone number of the SIM you choose. Your mobile operator will confirm it.',
    );
    const radios = sheet.getByRole('radio');
    expect(await radios.count()).toBe(2);
    await sheet.getByRole('radio', { name: /SIM 1 · Sandbox A/ }).check();
    await sheet.getByRole('button', { name: 'Continue' }).click();
    const shown = await finish(page, 'sim-verified-sandbox-a');
    expect(shown.result).toBe('verified');
    expect(shown.text).toContain('Number verified');
    expect(shown.text).toContain('+346001000005');
  });

  it('SIM 2 → sandbox-b’s number, routed by the SD-JWT’s carrier_hint', async () => {
    const page = await openSheet();
    await page.getByRole('radio', { name: /SIM 2 · Sandbox B/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    const shown = await finish(page, 'sim-verified-sandbox-b');
    expect(shown.result).toBe('verified');
    expect(shown.text).toContain('Number verified');
    expect(shown.text).toContain('+491700000005');
  });

  it('a typed number is verified (NV verify) against the chosen SIM: match, then no match', async () => {
    const page = await openSheet('+49 170 0000005');
    expect(await page.locator('[data-consent-text]').innerText()).toContain(
      'wants to check that the phone number you gave it is the number of the SIM you choose',
    );
    await page.getByRole('radio', { name: /SIM 2/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    const verified = await finish(page, 'sim-verify-typed');
    expect(verified.result).toBe('verified');
    expect(verified.text).toContain('+491700000005');

    const other = await openSheet('+491700000005');
    await other.getByRole('radio', { name: /SIM 1/ }).check();
    await other.getByRole('button', { name: 'Continue' }).click();
    const wrong = await finish(other, 'sim-verify-other-sim');
    expect(wrong.result).toBe('not-verified');
    expect(wrong.text).toContain('Number not verified');
  });

  it('Cancel on the sheet → "You declined", and the sheet cannot be answered again', async () => {
    const page = await openSheet();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForSelector('h1[data-result]');
    expect(await page.locator('h1').innerText()).toBe('You declined');
    await page.screenshot({ path: `${ARTIFACTS}sim-declined.png`, fullPage: true });
    // The flow (nonce, credential) was single use: the sheet is gone.
    await page.goto(`${stack.demo.url}/sim/consent`);
    const again = await finish(page, 'sim-spent');
    expect(again.result).toBe('error');
    expect(again.text).toContain('Please start again');
  });

  it('a phone whose SIM no operator offers operator tokens for: "does not offer this", no sheet', async () => {
    // Android carrier id 1839: no operator registered it (contract, demo data).
    const other = await stack.startDemo((sims) => [{ ...sims[0]!, carrierId: 1839 }]);
    const page = await browser.newPage();
    await page.goto(`${other.url}/sim`);
    await page.getByRole('button', { name: 'Verify with your SIM' }).click();
    const shown = await finish(page, 'sim-carrier-not-supported');
    expect(shown.result).toBe('error');
    expect(shown.text).toContain('Your mobile operator does not offer this');
    expect(shown.text).toContain('carrier_not_supported');
  });

  // Last: it changes the aggregator's signing root.
  it('a new aggregator root the phone’s allowlist does not hold: the phone refuses', async () => {
    await stack.agg.openId4VpKeys.rotate({ root: true });
    const page = await browser.newPage();
    await page.goto(`${stack.demo.url}/sim`);
    await page.getByRole('button', { name: 'Verify with your SIM' }).click();
    const shown = await finish(page, 'sim-root-not-allowlisted');
    expect(shown.result).toBe('error');
    expect(shown.text).toContain('Your phone refused the request');
    expect(shown.text).toContain('aggregator_not_allowlisted');
  });
});
