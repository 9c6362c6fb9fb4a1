import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { answerConsentOnDevice } from '@switchboard/operator-sandbox/test-support';
import {
  DeviceBrowser,
  startDemoStack,
  submitForm,
  type DemoStack,
} from '../test-support/demo-stack.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The call centre over real sockets: the agent's browser → demo app → CIBA at the sandbox
// (backend client, private_key_jwt) → SIM Swap and KYC Match with the token.
describe.each(['sandbox-a', 'sandbox-b'] as const)('call centre with %s', (operator) => {
  let stack: DemoStack;
  const devices: DeviceBrowser[] = [];
  const device = (address = '127.0.0.1') => {
    const d = new DeviceBrowser(address);
    devices.push(d);
    return d;
  };
  /** The agent's browser: the form, submitted with the caller's number and details. */
  const check = async (agent: DeviceBrowser, fields: Record<string, string>) => {
    const form = await agent.get(`${stack.demo.url}/call-centre`);
    return submitForm(agent, stack.demo.url, form.text, fields);
  };
  /** Refreshes the status page (after the interval) until it is no longer pending. */
  const untilDone = async (agent: DeviceBrowser) => {
    for (let i = 0; i < 20; i += 1) {
      await sleep(1_100);
      const page = await agent.get(`${stack.demo.url}/call-centre/status`);
      if (!page.text.includes('data-result="pending"')) return page.text;
    }
    throw new Error('still pending');
  };

  beforeAll(async () => {
    stack = await startDemoStack(operator);
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()));
    await stack.close();
  });

  if (operator === 'sandbox-a') {
    it('a recent SIM change: verify the caller another way', async () => {
      const agent = device();
      const first = await check(agent, { phoneNumber: '+34 6001 000 007' });
      const html = first.html.includes('data-result="pending"')
        ? await untilDone(agent)
        : first.html;
      expect(html).toContain('data-result="held"');
      expect(html).toContain('SIM changed in the last 10 days — verify the caller another way');
    });

    it('no recent SIM change, and the details the caller gave, field by field', async () => {
      const agent = device();
      const first = await check(agent, {
        phoneNumber: '+346001000005',
        givenName: 'Ana',
        familyName: 'Garcia Lopez',
      });
      expect(first.html).toContain('data-result="pending"');
      expect(first.html).toMatch(/<meta http-equiv="refresh" content="\d+">/);
      const html = await untilDone(agent);
      expect(html).toContain('data-result="verified"');
      expect(html).toContain('No recent SIM change');
      expect(html).toMatch(/Given name<\/th><td>Ana<\/td><td class="match"/);
      expect(html).toMatch(/Family name<\/th><td>Garcia Lopez<\/td><td class="mismatch"/);
      // The request is spent: the status page does not poll it again.
      const again = await agent.get(`${stack.demo.url}/call-centre/status`);
      expect(again.text).toContain('No check in progress');
    });

    it('refuses a bad number and a missing CSRF token', async () => {
      const agent = device();
      const bad = await check(agent, { phoneNumber: '600' });
      expect(bad.status).toBe(400);
      expect(bad.html).toContain('aria-invalid="true"');
      const forged = await agent.postForm(`${stack.demo.url}/call-centre`, {
        phoneNumber: '+346001000005',
      });
      expect(forged.status).toBe(403);
    });
  } else {
    it('consent: pending until the subscriber approves on the device, then the result', async () => {
      const agent = device();
      const first = await check(agent, { phoneNumber: '+491700000005' });
      expect(first.html).toContain('Waiting for the customer to approve on their phone…');
      // Too soon after the last poll: pending without polling.
      const soon = await agent.get(`${stack.demo.url}/call-centre/status`);
      expect(soon.text).toContain('data-result="pending"');
      await sleep(1_100);
      const polled = await agent.get(`${stack.demo.url}/call-centre/status`);
      expect(polled.text).toContain('data-result="pending"');
      const answered = await answerConsentOnDevice(
        stack.sandbox.url,
        device('127.20.0.5'),
        'approve',
      );
      expect(answered.status).toBeLessThan(400);
      const html = await untilDone(agent);
      expect(html).toContain('No recent SIM change');
    });

    it('an operator that wants an ID document for KYC Match: SIM Swap’s answer stays', async () => {
      const agent = device();
      await check(agent, { phoneNumber: '+491700000008', givenName: 'Jonas' });
      await answerConsentOnDevice(stack.sandbox.url, device('127.20.0.8'), 'approve');
      const html = await untilDone(agent);
      // Its SIM changed 12 hours before the sandbox started.
      expect(html).toContain('SIM changed in the last 10 days — verify the caller another way');
      expect(html).toContain('The details could not be checked');
    });

    it('consent denied on the device: a clear message', async () => {
      const agent = device();
      await check(agent, { phoneNumber: '+491700000006' });
      await answerConsentOnDevice(stack.sandbox.url, device('127.20.0.6'), 'deny');
      const html = await untilDone(agent);
      expect(html).toContain('The customer did not approve');
      expect(html).not.toMatch(/at .*\.ts:\d+/);
    });
  }
});

describe('call centre without a backend client', () => {
  let stack: DemoStack;
  beforeAll(async () => {
    stack = await startDemoStack('sandbox-a', {
      BACKEND_CLIENT_ID: '',
      BACKEND_PRIVATE_KEY_FILE: '',
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('says it is not configured', async () => {
    const agent = new DeviceBrowser('127.0.0.1');
    const page = await agent.get(`${stack.demo.url}/call-centre`);
    await agent.close();
    expect(page.text).toContain('The call centre is not set up');
  });
});
