import { beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  createCertificateChain,
  createHandset,
  createTelephonyPki,
  type CertificateChain,
  type Handset,
  type HandsetSim,
  type TelephonyPki,
} from '@switchboard/handset';
import {
  TEST_CONSENT,
  createFakeEntitlement,
  createTestCredential,
} from '@switchboard/handset/test-support';
import {
  CarrierNotSupportedError,
  OAuthError,
  type SwitchboardClient,
  type VerificationSession,
} from '@switchboard/sdk';
import { silentLogger } from '../logger.js';
import { createApp } from './create-app.js';
import { createSessionCookie } from './session-cookie.js';
import { createSimFlowStore } from './sim-flows.js';

// The SIM path's routes over HTTP, in memory: a real simulated phone (its entitlement server a
// fake), and a stand-in for the aggregator's two calls that answers with a credential signed by a
// test chain. End to end against the real aggregator: test/sim.e2e.test.ts.

const SIMS: HandsetSim[] = [
  {
    slot: 0,
    subscriptionId: 1,
    carrierId: 90001,
    mccMnc: '99901',
    msisdn: '+346001000005',
    secret: 'sim-secret-a-5',
    entitlementUrl: 'http://sandbox-a.test',
    label: 'Sandbox Operator A',
  },
  {
    slot: 1,
    subscriptionId: 2,
    carrierId: 90002,
    mccMnc: '99902',
    msisdn: '+491700000005',
    secret: 'sim-secret-b-5',
    entitlementUrl: 'http://sandbox-b.test',
    label: 'Sandbox Operator B',
  },
];
const ORIGIN = 'http://127.0.0.1:3001';

let chain: CertificateChain;
let telephony: TelephonyPki;

beforeAll(async () => {
  chain = await createCertificateChain({ rootName: 'Test Aggregator Root', leafName: 'Leaf' });
  telephony = await createTelephonyPki('Test Telephony');
});

interface Calls {
  credential: Array<{ scope: string; nonce: string; carrierIds: readonly number[] }>;
  exchange: Array<{ sdJwt: string; scope: string }>;
  verify: string[];
}

/** The demo app with the SIM path; `aggregator` overrides the stand-in's answers. */
function demo(
  options: {
    allowlist?: Record<string, string[]>;
    verified?: boolean;
    credentialError?: Error;
    exchangeError?: Error;
    configured?: boolean;
  } = {},
) {
  const calls: Calls = { credential: [], exchange: [], verify: [] };
  const entitlement = createFakeEntitlement(
    Object.fromEntries(SIMS.map((s) => [s.msisdn, s.secret])),
  );
  const handset: Handset = createHandset({
    telephony,
    sims: SIMS,
    allowlist: options.allowlist ?? {
      '99901': [chain.rootFingerprint],
      '99902': [chain.rootFingerprint],
    },
    callerIdentity: ORIGIN,
    fetch: entitlement.fetch,
  });
  const session: VerificationSession = {
    accessToken: 'token',
    expiresAt: Date.now() + 300_000,
    scope: '',
    idTokenClaims: {},
  };
  const client = {
    operatorToken: {
      async credential(o: { scope: string; nonce: string; carrierIds: readonly number[] }) {
        calls.credential.push(o);
        if (options.credentialError) throw options.credentialError;
        return (await createTestCredential({ chain, nonce: o.nonce })).credential;
      },
      async exchange(o: { sdJwt: string; scope: string }) {
        calls.exchange.push(o);
        if (options.exchangeError) throw options.exchangeError;
        return session;
      },
    },
    async verify(_s: VerificationSession, phoneNumber: string) {
      calls.verify.push(phoneNumber);
      return options.verified ?? true;
    },
    async devicePhoneNumber() {
      return '+491700000005';
    },
  } as unknown as SwitchboardClient;
  const app = createApp({
    client,
    backend: undefined,
    sim:
      options.configured === false ? undefined : { client, handset, flows: createSimFlowStore() },
    sessions: createSessionCookie({ secret: 'x'.repeat(32), secure: false }),
    purpose: 'dpv:FraudPreventionAndDetection',
    callbackPath: '/callback',
    logger: silentLogger,
  });
  return { agent: request.agent(app), calls, entitlement };
}

type Agent = ReturnType<typeof demo>['agent'];

async function csrfOf(agent: Agent): Promise<string> {
  const home = await agent.get('/');
  return /name="csrf" value="([^"]+)"/.exec(home.text)![1]!;
}

/** The sign-in form's SIM button, then the consent sheet. */
async function openSheet(agent: Agent, phoneNumber = '') {
  const csrf = await csrfOf(agent);
  const started = await agent.post('/sim').type('form').send({ csrf, phoneNumber });
  expect(started.status).toBe(303);
  expect(started.headers.location).toBe('/sim/consent');
  const sheet = await agent.get('/sim/consent');
  return { csrf, sheet };
}

describe('"Verify with your SIM" routes', () => {
  it('no number typed: asks the SIM’s number (device-phone-number), sheet, SIM 2, "Number verified"', async () => {
    const { agent, calls, entitlement } = demo();
    const { csrf, sheet } = await openSheet(agent);
    expect(sheet.status).toBe(200);
    expect(sheet.text).toContain('Simulated Android system dialog');
    expect(sheet.text).toContain(TEST_CONSENT.consent_text);
    expect(sheet.text).toContain('SIM 1 · Sandbox Operator A');
    expect(sheet.text).toContain('SIM 2 · Sandbox Operator B');
    const [asked] = calls.credential;
    expect(asked).toMatchObject({
      scope: 'dpv:IdentityVerification number-verification:device-phone-number:read',
      carrierIds: [90001, 90002],
    });
    expect(asked!.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Nothing reaches the operator before the user continues.
    expect(entitlement.requests).toHaveLength(0);

    const done = await agent
      .post('/sim/consent')
      .type('form')
      .send({ csrf, decision: 'continue', slot: '1' });
    expect(done.status).toBe(200);
    expect(done.text).toContain('<h1 data-result="verified">Number verified</h1>');
    expect(done.text).toContain('+491700000005');
    expect(entitlement.issued.has('+491700000005')).toBe(true);
    expect(calls.exchange).toEqual([
      {
        sdJwt: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+~[\w-]+\.[\w-]+\.[\w-]+$/),
        scope: asked!.scope,
      },
    ]);
  });

  it('a typed number: NV verify of that number, "not verified" when it is not the SIM’s', async () => {
    const { agent, calls } = demo({ verified: false });
    const { csrf } = await openSheet(agent, '+34 600 100 0005');
    expect(calls.credential[0]!.scope).toBe('dpv:IdentityVerification number-verification:verify');
    const done = await agent
      .post('/sim/consent')
      .type('form')
      .send({ csrf, decision: 'continue', slot: '1' });
    expect(calls.verify).toEqual(['+346001000005']);
    expect(done.text).toContain('data-result="not-verified"');
    expect(done.text).toContain(
      'is not the number of the SIM you chose (SIM 2, Sandbox Operator B)',
    );
  });

  it('refuses a malformed typed number on the form it came from, asking nothing', async () => {
    const { agent, calls } = demo();
    const csrf = await csrfOf(agent);
    const res = await agent
      .post('/sim')
      .type('form')
      .send({ csrf, phoneNumber: '12ab', useCase: 'login' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).toContain('Sign in with your mobile number');
    // From the SIM page, the SIM page again.
    const own = await agent.post('/sim').type('form').send({ csrf, phoneNumber: '12ab' });
    expect(own.status).toBe(400);
    expect(own.text).toContain('Sign in with your SIM');
    expect(own.text).toContain('value="12ab"');
    expect(calls.credential).toHaveLength(0);
  });

  it('Cancel: "You declined", nothing presented, and the flow is spent', async () => {
    const { agent, calls, entitlement } = demo();
    const { csrf } = await openSheet(agent);
    const declined = await agent
      .post('/sim/consent')
      .type('form')
      .send({ csrf, decision: 'cancel' });
    expect(declined.status).toBe(200);
    expect(declined.text).toContain('<h1 data-result="error">You declined</h1>');
    expect(entitlement.requests).toHaveLength(0);
    expect(calls.exchange).toHaveLength(0);
    const again = await agent
      .post('/sim/consent')
      .type('form')
      .send({ csrf, decision: 'continue', slot: '0' });
    expect(again.status).toBe(400);
    expect(again.text).toContain('Please start again');
    expect((await agent.get('/sim/consent')).status).toBe(400);
  });

  it('a forged answer (wrong CSRF token) is refused and leaves the flow to the user', async () => {
    const { agent, calls } = demo();
    const { csrf } = await openSheet(agent);
    const forged = await agent
      .post('/sim/consent')
      .type('form')
      .send({ csrf: 'forged', decision: 'continue', slot: '0' });
    expect(forged.status).toBe(403);
    expect(calls.exchange).toHaveLength(0);
    const real = await agent
      .post('/sim/consent')
      .type('form')
      .send({ csrf, decision: 'continue', slot: '0' });
    expect(real.text).toContain('Number verified');
  });

  it('a slot the sheet did not offer: refused, nothing presented', async () => {
    const { agent, entitlement } = demo({ allowlist: { '99901': [chain.rootFingerprint] } });
    const { csrf, sheet } = await openSheet(agent);
    // Only sandbox-a allowlists this aggregator: one SIM, no picker (guide, Step 1.4).
    expect(sheet.text).not.toContain('type="radio"');
    expect(sheet.text).toContain('Using SIM 1 · Sandbox Operator A');
    const res = await agent
      .post('/sim/consent')
      .type('form')
      .send({ csrf, decision: 'continue', slot: '1' });
    expect(res.status).toBe(400);
    expect(entitlement.requests).toHaveLength(0);
  });

  it('carrier_not_supported: says so and offers the network path, no sheet', async () => {
    const err = new CarrierNotSupportedError('None of the provided carrier IDs are eligible', [
      'network_authentication',
    ]);
    const { agent } = demo({ credentialError: err });
    const csrf = await csrfOf(agent);
    const res = await agent.post('/sim').type('form').send({ csrf, phoneNumber: '' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Your mobile operator does not offer this');
    expect(res.text).toContain('“Verify silently” over mobile data');
    expect(res.text).toContain('<code>carrier_not_supported</code>');
  });

  it('an aggregator root the phone does not allowlist: the phone refuses before any sheet', async () => {
    const { agent } = demo({ allowlist: { '99901': ['00'.repeat(32)] } });
    const csrf = await csrfOf(agent);
    const res = await agent.post('/sim').type('form').send({ csrf, phoneNumber: '' });
    expect(res.status).toBe(502);
    expect(res.text).toContain('Your phone refused the request');
    expect(res.text).toContain('<code>aggregator_not_allowlisted</code>');
  });

  it('an exchange the aggregator refuses: a clear page, never the error’s text', async () => {
    const refused = new OAuthError('invalid_grant', 'the operator refused the operator token: x');
    const { agent } = demo({ exchangeError: refused });
    const { csrf } = await openSheet(agent);
    const res = await agent
      .post('/sim/consent')
      .type('form')
      .send({ csrf, decision: 'continue', slot: '0' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Verification could not be completed');
    expect(res.text).not.toContain('the operator refused');
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('has a page of its own, whose form starts the same path', async () => {
    const { agent, calls } = demo();
    const page = await agent.get('/sim');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form method="post" action="/sim" novalidate>');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const started = await agent.post('/sim').type('form').send({ csrf, phoneNumber: '' });
    expect(started.headers.location).toBe('/sim/consent');
    expect(calls.credential).toHaveLength(1);
  });

  it('says when the SIM path is not set up', async () => {
    const { agent } = demo({ configured: false });
    expect((await agent.get('/sim')).status).toBe(503);
    const csrf = await csrfOf(agent);
    const res = await agent.post('/sim').type('form').send({ csrf });
    expect(res.status).toBe(503);
    expect(res.text).toContain('Verifying with your SIM is not set up');
  });
});
