import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  DeviceBrowser,
  answerConsent,
  startDemoStack,
  submitForm,
  type DemoStack,
} from '../test-support/demo-stack.js';

// sandbox-b asks for consent for dpv:FraudPreventionAndDetection: the silent attempt ends in
// consent_required, the result page offers to continue, and the operator's page decides.
describe('demo app with a consent-based operator (sandbox-b)', () => {
  let stack: DemoStack;
  const devices: DeviceBrowser[] = [];

  beforeAll(async () => {
    stack = await startDemoStack('sandbox-b');
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()));
    await stack.close();
  });

  const toConsentPage = async (address: string, phoneNumber: string) => {
    const d = new DeviceBrowser(address);
    devices.push(d);
    const home = await d.get(`${stack.demo.url}/`);
    const offer = await submitForm(d, stack.demo.url, home.text, { phoneNumber });
    expect(offer.html).toContain('Your operator needs your permission');
    const consent = await submitForm(d, stack.demo.url, offer.html);
    expect(consent.html).toContain('Demo Bank');
    return { d, html: consent.html };
  };

  it('approve on the consent page → verified', async () => {
    const { d, html } = await toConsentPage('127.20.1.2', '+491700001002');
    const result = await answerConsent(d, stack.sandbox.url, html, 'approve');
    expect(result.html).toContain('data-result="verified"');
  });

  it('deny on the consent page → a clear message', async () => {
    const { d, html } = await toConsentPage('127.20.1.3', '+491700001003');
    const result = await answerConsent(d, stack.sandbox.url, html, 'deny');
    expect(result.html).toContain('You did not give permission');
    expect(result.html).toContain('Nothing was shared with us');
  });
});
