import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSandbox } from '@switchboard/operator-sandbox';
import {
  ConsentDeniedError,
  ConsentRequiredError,
  type StartedVerification,
  type SwitchboardClient,
} from '@switchboard/sdk';
import {
  DeviceBrowser,
  FRAUD,
  answerConsent,
  basicClient,
  browse,
  clientKeys,
  startOperator,
} from './sdk-fixture.js';

// sandbox-b: consent is the lawful basis of dpv:FraudPreventionAndDetection.
describe('SDK and operator consent (sandbox-b)', () => {
  let sandbox: RunningSandbox;
  let client: SwitchboardClient;
  const devices: DeviceBrowser[] = [];
  const device = (address: string) => {
    const d = new DeviceBrowser(address);
    devices.push(d);
    return d;
  };
  const consentPage = async (d: DeviceBrowser, started: StartedVerification) => {
    const outcome = await browse(d, started.url);
    if (outcome.kind !== 'page') throw new Error('expected the consent page');
    return outcome.html;
  };

  beforeAll(async () => {
    sandbox = await startOperator('sandbox-b', (await clientKeys()).publicJwk);
    client = basicClient(sandbox.url);
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()));
    await sandbox.close();
  });

  it('raises ConsentRequiredError under prompt=none', async () => {
    const started = await client.startVerification({ purpose: FRAUD, prompt: 'none' });
    const outcome = await browse(device('127.20.0.1'), started.url);
    if (outcome.kind !== 'callback') throw new Error('expected a callback');
    const err = await client.completeVerification(outcome.url, started.saved).catch((e) => e);
    expect(err).toBeInstanceOf(ConsentRequiredError);
    expect(err).toMatchObject({ code: 'CONSENT_REQUIRED', error: 'consent_required' });
  });

  it('verifies after the subscriber approves on the consent page', async () => {
    const d = device('127.20.1.2');
    const started = await client.startVerification({ purpose: FRAUD });
    const html = await consentPage(d, started);
    expect(html).toContain('SDK Test Bank');
    const outcome = await answerConsent(d, sandbox.url, html, 'approve');
    if (outcome.kind !== 'callback') throw new Error('expected a callback');
    const session = await client.completeVerification(outcome.url, started.saved);
    await expect(client.verify(session, '+491700001002')).resolves.toBe(true);
  });

  it('raises ConsentDeniedError when the subscriber denies', async () => {
    const d = device('127.20.1.3');
    const started = await client.startVerification({ purpose: FRAUD });
    const outcome = await answerConsent(d, sandbox.url, await consentPage(d, started), 'deny');
    if (outcome.kind !== 'callback') throw new Error('expected a callback');
    const err = await client.completeVerification(outcome.url, started.saved).catch((e) => e);
    expect(err).toBeInstanceOf(ConsentDeniedError);
    expect(err).toMatchObject({ code: 'CONSENT_DENIED', error: 'access_denied' });
  });
});
