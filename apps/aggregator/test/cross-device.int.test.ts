import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JWK } from 'jose';
import { Agent, request } from 'undici';
import { APP_CALLBACK, assertion, authorizeUrl } from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';
import type { DeviceBrowser } from '../test-support/device-browser.js';

// RFC 6749 §10.12 / RFC 9700 §4.7: wherever one party's redirect completes another's state,
// it must come from the browser that started it. Attacker and victim are two browsers with
// their own source addresses (both on sandbox-a's network, 127.10/16) and cookie jars.
let s: CoreStack;
beforeAll(async () => {
  s = await startCoreStack();
}, 60_000);
afterAll(() => s.stop());

const SANDBOX_A_KEY = (
  JSON.parse(
    readFileSync(new URL('../../../config/demo-operator-keys.json', import.meta.url), 'utf8'),
  ) as { 'sandbox-a': { privateJwk: JWK } }
)['sandbox-a'].privateJwk;

const callbackUrl = () => `${s.agg.publicUrl}/operator-callback`;
const flowRows = (interactionUid: string) =>
  s.t.db.knex('operator_flows').where({ interaction_uid: interactionUid });

/**
 * Starts an app's authorization in `browser`: /auth sends it straight to the operator. Stops
 * there, without loading the operator's URL; the interaction is the one its flow row names.
 */
async function operatorUrlOf(
  browser: DeviceBrowser,
  req = authorizeUrl(s.agg.issuer, s.secretApp, { prompt: 'none' }),
) {
  const started = await browser.get(req.url);
  expect(started.status).toBe(303);
  const operatorUrl = new URL(started.location!);
  if (operatorUrl.origin !== new URL(s.sandboxes[0]!.url).origin)
    throw new Error(`/auth did not send the browser to the operator: ${operatorUrl.href}`);
  const row = (await s.t.db
    .knex('operator_flows')
    .where({ state: operatorUrl.searchParams.get('state') })
    .first()) as { interaction_uid: string };
  return { req, operatorUrl, uid: row.interaction_uid };
}

/** Switchboard's own token request at sandbox-a, as the aggregator would make it. */
async function redeemAtOperator(code: string, verifier: string) {
  const res = await request(`${s.sandboxes[0]!.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: callbackUrl(),
      code_verifier: verifier,
      client_id: 'switchboard',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await assertion(
        { id: 'switchboard', jwk: SANDBOX_A_KEY },
        s.sandboxes[0]!.url,
      ),
    }).toString(),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

describe('the operator callback is bound to the browser that started the flow', () => {
  it("operator callback brought by another browser ends the attacker's interaction with access_denied (RFC 6749 §10.12)", async () => {
    const attacker = s.device('127.10.5.1');
    const victim = s.device('127.10.5.2');
    const { req, uid, operatorUrl } = await operatorUrlOf(attacker);
    const state = operatorUrl.searchParams.get('state')!;
    const { code_verifier: verifier } = (await flowRows(uid).first()) as { code_verifier: string };

    // The victim's phone loads the operator URL; the operator authenticates the victim's line.
    const lured = await victim.follow(operatorUrl.href, callbackUrl());
    const callback = lured.redirect!;
    expect(callback.searchParams.get('state')).toBe(state);
    const page = await victim.get(callback.href);
    expect(page.status).toBe(400);
    expect(page.location).toBeUndefined();
    expect(page.text).toMatch(/started in another browser/);

    // The flow is spent, and the OperatorCode was not redeemed: it is still good at the operator.
    expect(await flowRows(uid)).toHaveLength(0);
    const redeemed = await redeemAtOperator(callback.searchParams.get('code')!, verifier);
    expect(redeemed.status).toBe(200);

    // The attacker resumes its request: the app gets access_denied and no code.
    const resumed = await attacker.follow(`${s.agg.issuer}/auth/${uid}`, APP_CALLBACK);
    const params = resumed.redirect?.searchParams;
    expect(params?.get('state')).toBe(req.state);
    expect(params?.get('error')).toBe('access_denied');
    expect(params?.get('code')).toBeNull();
    expect(params?.get('error_description')).not.toMatch(/sandbox|Operator A/i);

    // Replaying the callback, now in the attacker's own browser, finds nothing.
    expect((await attacker.get(callback.href)).status).toBe(400);
  });

  it("the victim's browser cannot resume the attacker's authorization either", async () => {
    const attacker = s.device('127.10.5.3');
    const victim = s.device('127.10.5.4');
    const { req, operatorUrl } = await operatorUrlOf(attacker);
    const back = await attacker.follow(operatorUrl.href, `${s.agg.issuer}/auth/`);
    const resume = back.redirect!;
    const stolen = await victim.follow(resume.href, APP_CALLBACK);
    expect(stolen.redirect).toBeUndefined();
    expect(stolen.page.status).toBeGreaterThanOrEqual(400);
    const own = await attacker.follow(resume.href, APP_CALLBACK);
    expect(own.redirect?.searchParams.get('state')).toBe(req.state);
    expect(own.redirect?.searchParams.get('code')).toBeTruthy();
  });

  it('/auth sends the browser straight to the operator: no URL of ours in between to hand to a victim', async () => {
    const attacker = s.device('127.10.5.5');
    const { req, uid, operatorUrl } = await operatorUrlOf(attacker);
    expect(await flowRows(uid)).toHaveLength(1);
    // The interaction page that used to sit between /auth and the operator is gone.
    expect((await s.device('127.10.5.6').get(`${s.agg.publicUrl}/interaction/${uid}`)).status).toBe(
      404,
    );
    const own = await attacker.follow(operatorUrl.href, APP_CALLBACK);
    expect(own.redirect?.searchParams.get('state')).toBe(req.state);
    expect(own.redirect?.searchParams.get('code')).toBeTruthy();
  });

  it("/auth's answer binds the browser twice (resume and operator callback), with nothing else", async () => {
    const agent = new Agent({ localAddress: '127.10.5.9' });
    try {
      const req = authorizeUrl(s.agg.issuer, s.secretApp, { prompt: 'none' });
      const res = await request(req.url, { dispatcher: agent });
      await res.body.dump();
      expect(res.statusCode).toBe(303);
      const cookies = [res.headers['set-cookie'] ?? []].flat();
      const names = cookies.map((c) => c.split('=')[0]!).sort();
      expect(names).toEqual(
        ['sb_resume', 'sb_resume.sig', expect.stringMatching(/^sb_op_[\w-]{22}$/)].sort(),
      );
      expect(cookies.find((c) => c.startsWith('sb_op_'))).toMatch(/; Path=\/operator-callback;/);
    } finally {
      await agent.close();
    }
  });

  it('keeps two flows in parallel in one browser apart, each completing in any order', async () => {
    const browser = s.device('127.10.5.7');
    const first = await operatorUrlOf(browser);
    const second = await operatorUrlOf(browser);
    expect(first.uid).not.toBe(second.uid);
    for (const flow of [second, first]) {
      const { redirect } = await browser.follow(flow.operatorUrl.href, APP_CALLBACK);
      expect(redirect?.searchParams.get('state')).toBe(flow.req.state);
      expect(redirect?.searchParams.get('code')).toBeTruthy();
    }
  });
});

describe('one interaction, one pending operator flow', () => {
  it('the same /auth sent many times starts one interaction and one operator flow each, and the last one completes', async () => {
    const browser = s.device('127.10.5.8');
    const req = authorizeUrl(s.agg.issuer, s.secretApp, { prompt: 'none' });
    const started: Array<{ uid: string; operatorUrl: URL }> = [];
    for (let i = 0; i < 25; i += 1) started.push(await operatorUrlOf(browser, req));
    expect(new Set(started.map((f) => f.uid)).size).toBe(25);
    for (const { uid, operatorUrl } of started) {
      const rows = (await flowRows(uid)) as Array<{ state: string }>;
      expect(rows.map((r) => r.state)).toEqual([operatorUrl.searchParams.get('state')]);
    }
    const { redirect } = await browser.follow(started.at(-1)!.operatorUrl.href, APP_CALLBACK);
    expect(redirect?.searchParams.get('state')).toBe(req.state);
    expect(redirect?.searchParams.get('code')).toBeTruthy();
  });
});
