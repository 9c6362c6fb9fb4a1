import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Handset } from '@switchboard/handset';
import {
  CarrierNotSupportedError,
  OAuthError,
  createSwitchboardClient,
  extractSdJwt,
  openid4vpRequest,
  type SwitchboardClient,
} from '@switchboard/sdk';
import { startCoreStack, type CoreStack } from '@switchboard/aggregator/test-support/core-stack';
import { UNKNOWN_CARRIER_ID } from '@switchboard/aggregator/test-support/operator-token';

// The SDK's operator-token path (CAMARA NV "Operator Token Acquisition" guide, Steps 1–4)
// against a real aggregator, both sandbox operators and the simulated handset: the app's
// backend asks for the credential, the handset (Android's role) presents the SD-JWT, the backend
// exchanges it and calls Number Verification.

const VERIFY = 'dpv:FraudPreventionAndDetection number-verification:verify';
const NUMBER = 'openid dpv:ServiceProvision number-verification:device-phone-number:read';

let stack: CoreStack;
let handset: Handset;
let sb: SwitchboardClient;

beforeAll(async () => {
  stack = await startCoreStack({}, { operatorToken: true });
  const ot = stack.operatorToken!;
  handset = await ot.handset();
  sb = createSwitchboardClient({
    issuer: stack.agg.issuer,
    clientId: ot.app.id,
    privateKey: ot.app.jwk,
    allowInsecureRequests: true,
  });
}, 60_000);
afterAll(async () => {
  stack.operatorToken?.trust.remove();
  await stack.stop();
});

const nonce = () => randomBytes(24).toString('base64url');

/** Steps 1–3 through the SDK, the wallet's part played by the handset on `slot`. */
async function operatorTokenSession(scope: string, slot: number) {
  const n = nonce();
  const credential = await sb.operatorToken.credential({
    scope,
    nonce: n,
    carrierIds: handset.activeCarrierIds(),
    lang: 'es-ES',
  });
  const request = openid4vpRequest(credential, n);
  const [offered] = request.dcql_query.credentials;
  const review = await handset.review(offered, request.nonce);
  const sdJwt = await handset.present(offered, request.nonce, slot);
  // What the Digital Credentials API hands the app's frontend (guide Step 2).
  const answer = JSON.stringify({
    protocol: 'openid4vp-v1-unsigned',
    data: { vp_token: { [credential.id]: [sdJwt] } },
  });
  const extracted = extractSdJwt(answer, credential.id);
  return {
    review,
    sdJwt: extracted,
    session: await sb.operatorToken.exchange({ sdJwt: extracted, scope }),
  };
}

describe('SDK operator-token path against the aggregator and the simulated handset', () => {
  it('credential → handset.present → exchange → NV verify is true for the SIM of sandbox-a', async () => {
    const { review, session } = await operatorTokenSession(VERIFY, 0);
    expect(review.consent.consent_text).toMatch(/^Shop quiere comprobar/); // lang es-ES
    expect(session.scope).toContain('number-verification:verify');
    await expect(sb.verify(session, '+346001000005')).resolves.toBe(true);
  });

  it('device-phone-number through sandbox-b, routed by the chosen SIM’s carrier_hint', async () => {
    const { session } = await operatorTokenSession(NUMBER, 1);
    await expect(sb.devicePhoneNumber(session)).resolves.toBe('+491700000005');
  });

  it('a number that is not the SIM’s is not verified', async () => {
    const { session } = await operatorTokenSession(VERIFY, 0);
    await expect(sb.verify(session, '+346001000006')).resolves.toBe(false);
  });

  it('fetches its openid4vp app token once and keeps it across credential requests', async () => {
    const ot = stack.operatorToken!;
    const paths: string[] = [];
    const counting = createSwitchboardClient({
      issuer: stack.agg.issuer,
      clientId: ot.app.id,
      privateKey: ot.app.jwk,
      allowInsecureRequests: true,
      fetch: (input, init) => {
        paths.push(new URL(String(input instanceof Request ? input.url : input)).pathname);
        return fetch(input, init);
      },
    });
    for (let i = 0; i < 2; i += 1)
      await counting.operatorToken.credential({
        scope: VERIFY,
        nonce: nonce(),
        carrierIds: [90001],
      });
    expect(paths).toEqual([
      '/.well-known/openid-configuration',
      '/token',
      '/openid4vp/credentials',
      '/openid4vp/credentials',
    ]);
  });

  it('carrier_not_supported becomes CarrierNotSupportedError with the fallback', async () => {
    const err = await sb.operatorToken
      .credential({ scope: VERIFY, nonce: nonce(), carrierIds: [UNKNOWN_CARRIER_ID] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CarrierNotSupportedError);
    expect(err).toMatchObject({
      code: 'carrier_not_supported',
      fallbackOptions: ['network_authentication'],
    });
  });

  it('the same SD-JWT exchanged twice: the second is invalid_grant naming the nonce', async () => {
    const n = nonce();
    const credential = await sb.operatorToken.credential({
      scope: VERIFY,
      nonce: n,
      carrierIds: [90001],
    });
    const sdJwt = await handset.present(credential, n, 0);
    await sb.operatorToken.exchange({ sdJwt, scope: VERIFY });
    const err = await sb.operatorToken.exchange({ sdJwt, scope: VERIFY }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/nonce/),
    });
  });
});

describe('examples/operator-token.mjs runs as written (the simulated handset in the phone’s place)', () => {
  const examples = new URL('../../packages/sdk/examples/', import.meta.url);
  let server: http.Server;
  let origin: string;

  beforeAll(async () => {
    const ot = stack.operatorToken!;
    const { createSimCheckApp } = (await import(new URL('operator-token.mjs', examples).href)) as {
      createSimCheckApp(config: Record<string, unknown>): http.RequestListener;
    };
    server = http.createServer(
      createSimCheckApp({
        issuer: stack.agg.issuer,
        clientId: ot.app.id,
        privateKey: ot.app.jwk,
        allowInsecureRequests: true,
        sessionSecret: 'example-session-secret',
        secureCookie: false,
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** The frontend's two calls, the session cookie carried from the first to the second. */
  async function simCheck(carrierIds: number[], phoneNumber: string) {
    const post = (path: string, body: unknown, cookie?: string) =>
      fetch(`${origin}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'accept-language': 'de-DE,de;q=0.9',
          ...(cookie ? { cookie } : {}),
        },
        body: JSON.stringify(body),
      });
    const started = await post('/sim-check/start', { carrierIds });
    const json = (await started.json()) as Record<string, never>;
    if (!json.request) return json;
    const request = json.request as { nonce: string; dcql_query: { credentials: [never] } };
    const [credential] = request.dcql_query.credentials;
    const review = await handset.review(credential, request.nonce);
    const sdJwt = await handset.present(credential, request.nonce, 0);
    const answer = {
      protocol: 'openid4vp-v1-unsigned',
      data: { vp_token: { [(credential as { id: string }).id]: [sdJwt] } },
    };
    const cookie = started.headers.get('set-cookie')!.split(';')[0]!;
    const finished = await post('/sim-check/finish', { answer, phoneNumber }, cookie);
    return { review, status: finished.status, ...((await finished.json()) as object) };
  }

  it('verifies the number of the SIM the user picked, and not another', async () => {
    const own = await simCheck(handset.activeCarrierIds(), '+346001000005');
    expect(own).toMatchObject({ status: 200, verified: true });
    expect(
      (own as { review: { consent: { consent_text: string } } }).review.consent.consent_text,
    ).toMatch(/^Shop möchte prüfen/);
    await expect(simCheck([90001], '+346001000006')).resolves.toMatchObject({ verified: false });
  });

  it('answers the fallback when no carrier offers operator tokens', async () => {
    await expect(simCheck([UNKNOWN_CARRIER_ID], '+346001000005')).resolves.toEqual({
      fallback: ['network_authentication'],
    });
  });

  it('the README shows exactly this file', () => {
    const readme = fs.readFileSync(new URL('../README.md', examples), 'utf8');
    const file = fs.readFileSync(new URL('operator-token.mjs', examples), 'utf8');
    expect(readme).toContain(
      file.slice(file.indexOf('import '), file.indexOf('\nif (import.meta.url')).trim(),
    );
  });
});
