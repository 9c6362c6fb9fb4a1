import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { aggregatorTokenAudience, readAggregatorAccessToken } from '@switchboard/tokens';
import type { Aggregator } from '../src/app.js';
import {
  APP_CALLBACK,
  authorizeUrl,
  FRAUD,
  redeemCode,
  SERVICE,
  signedAuthorizeUrl,
  startTestAggregator,
  type AppClient,
} from '../test-support/core-fixture.js';
import { startCoreStack, verifyAtOperator, type CoreStack } from '../test-support/core-stack.js';

let s: CoreStack;
beforeAll(async () => {
  s = await startCoreStack();
}, 60_000);
afterAll(() => s.stop());

const authorize = (...a: Parameters<CoreStack['authorize']>) => s.authorize(...a);
async function tokenFor(app: AppClient, code: string, verifier: string) {
  const res = await s.tokenFor(app, code, verifier);
  expect(res.status).toBe(200);
  return { body: res.body, claims: res.claims! };
}

describe('nested flow (Annex steps 1–23) with two sandbox operators', () => {
  it('routes 127.10.x.y to sandbox-a under prompt=none; the JWE carries a working operator token', async () => {
    const { req, params } = await authorize('127.10.0.5', s.secretApp, { prompt: 'none' });
    expect(params?.get('error')).toBeNull();
    expect(params?.get('state')).toBe(req.state);
    const { body, claims } = await tokenFor(s.secretApp, params!.get('code')!, req.verifier);
    expect(body.refresh_token).toBeUndefined();
    expect(Number(body.expires_in)).toBeLessThanOrEqual(300);
    expect(claims).toMatchObject({
      operator_id: 'sandbox-a',
      api_root: s.sandboxes[0]!.url,
      client_id: s.secretApp.id,
      scope: expect.stringContaining(FRAUD),
    });
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(300);
    const idToken = decodeJwt(String(body.id_token));
    expect(idToken.sub).not.toMatch(/\d{9,}/);
    expect(idToken.amr).toEqual(['nbma']);
    const verified = await verifyAtOperator(
      claims.api_root,
      claims.operator_access_token,
      '+346001000005',
    );
    expect(verified).toEqual({ status: 200, body: { devicePhoneNumberVerified: true } });
  });

  it('routes 127.20.x.y to sandbox-b with a private_key_jwt app, in its scope style', async () => {
    const { req, params } = await authorize('127.20.1.2', s.keyApp, {
      prompt: 'none',
      scope: `openid ${SERVICE} number-verification:verify`,
    });
    expect(params?.get('error')).toBeNull();
    const { claims } = await tokenFor(s.keyApp, params!.get('code')!, req.verifier);
    expect(claims).toMatchObject({ operator_id: 'sandbox-b', api_root: s.sandboxes[1]!.url });
    const verified = await verifyAtOperator(
      claims.api_root,
      claims.operator_access_token,
      '+491700001002',
    );
    expect(verified.body).toEqual({ devicePhoneNumberVerified: true });
  });

  it('accepts a signed request object from a private_key_jwt app', async () => {
    const req = await signedAuthorizeUrl(
      s.agg.issuer,
      s.keyApp as Extract<AppClient, { method: 'key' }>,
    );
    const { redirect } = await s.device('127.10.0.14').follow(req.url, APP_CALLBACK);
    expect(redirect?.searchParams.get('error')).toBeNull();
    expect(redirect?.searchParams.get('state')).toBe(req.state);
    const { claims } = await tokenFor(s.keyApp, redirect!.searchParams.get('code')!, req.verifier);
    expect(claims.operator_id).toBe('sandbox-a');
  });

  it('routes by an ipport: login_hint only when it comes in a signed request object', async () => {
    const key = s.keyApp as Extract<AppClient, { method: 'key' }>;
    const hint = { login_hint: 'ipport:127.20.0.9:5678' };
    const signed = await signedAuthorizeUrl(s.agg.issuer, key, hint);
    const routed = await s.device('127.30.0.2').follow(signed.url, APP_CALLBACK);
    // Routed to sandbox-b by the hint; sandbox-b itself does not recognise this device.
    expect(routed.redirect?.searchParams.get('error_description')).toMatch(
      /the mobile operator could not identify the device/,
    );
    const plain = authorizeUrl(s.agg.issuer, s.keyApp, { prompt: 'none' });
    const unsigned = await s
      .device('127.30.0.3')
      .follow(`${plain.url}&login_hint=${encodeURIComponent(hint.login_hint)}`, APP_CALLBACK);
    expect(unsigned.redirect?.searchParams.get('error_description')).toMatch(
      /could not be identified/,
    );
  });

  it('encrypts new tokens under a rotated key; older tokens decrypt until the key is retired', async () => {
    const first = await authorize('127.10.0.15', s.secretApp, { prompt: 'none' });
    const before = await tokenFor(s.secretApp, first.params!.get('code')!, first.req.verifier);
    const rotated = await s.agg.keys.rotate();
    const second = await authorize('127.10.0.16', s.secretApp, { prompt: 'none' });
    const after = await tokenFor(s.secretApp, second.params!.get('code')!, second.req.verifier);
    const kid = (token: unknown) => decodeProtectedHeader(String(token)).kid;
    expect(kid(after.body.access_token)).toBe(rotated.kid);
    expect(kid(before.body.access_token)).not.toBe(rotated.kid);
    await s.agg.keys.retire(String(kid(before.body.access_token)), { force: true });
    await expect(
      readAggregatorAccessToken(String(before.body.access_token), {
        keyring: await s.agg.keys.tokenKeyring(),
        issuer: s.agg.issuer,
        audience: aggregatorTokenAudience(s.agg.issuer),
      }),
    ).rejects.toMatchObject({ reason: 'unknown_kid' });
  });

  it('gives a pairwise sub: two apps see the same device differently', async () => {
    const subs = [];
    for (const app of [s.secretApp, s.keyApp]) {
      const { req, params } = await authorize('127.10.0.8', app, { prompt: 'none' });
      const { body } = await tokenFor(app, params!.get('code')!, req.verifier);
      subs.push(decodeJwt(String(body.id_token)).sub);
    }
    expect(subs[0]).not.toBe(subs[1]);
  });

  it('lets the subscriber consent on the operator page (sandbox-b, consent purpose)', async () => {
    const req = authorizeUrl(s.agg.issuer, s.secretApp);
    const browser = s.device('127.20.0.7');
    const first = await browser.follow(req.url, APP_CALLBACK);
    expect(first.redirect).toBeUndefined();
    expect(first.page.status).toBe(200);
    const action = /<form method="post" action="([^"]+)"/.exec(first.page.text)![1]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(first.page.text)![1]!;
    const decided = await browser.postForm(new URL(action, first.page.url).href, {
      csrf,
      decision: 'approve',
    });
    const { redirect } = await browser.follow(decided.location!, APP_CALLBACK);
    expect(redirect?.searchParams.get('code')).toBeTruthy();
    const { claims } = await tokenFor(
      s.secretApp,
      redirect!.searchParams.get('code')!,
      req.verifier,
    );
    expect(claims.operator_id).toBe('sandbox-b');
  });
});

describe('two aggregator processes on one database', () => {
  let other: Aggregator;

  beforeAll(async () => {
    const database = s.t.engine === 'postgres' ? await s.t.connectAgain() : s.t.db;
    other = await startTestAggregator(database, s.agg.issuer);
  });
  afterAll(async () => {
    await other.stop();
  });

  it('completes flows whose steps alternate between the processes', async () => {
    const origins = [new URL(s.agg.publicUrl).origin, new URL(other.publicUrl).origin];
    let hop = 0;
    const served: string[] = [];
    const alternate = (u: string) => {
      const url = new URL(u);
      if (!origins.includes(url.origin)) return u;
      const target = origins[hop++ % 2]!;
      served.push(target);
      return `${target}${url.pathname}${url.search}`;
    };
    const req = authorizeUrl(s.agg.issuer, s.keyApp, { prompt: 'none' });
    const { redirect } = await s.device('127.10.0.20').follow(req.url, APP_CALLBACK, alternate);
    expect(redirect?.searchParams.get('code')).toBeTruthy();
    expect(new Set(served).size).toBe(2);
    const res = await redeemCode(
      `${other.publicUrl}/token`,
      s.agg.issuer,
      s.keyApp,
      redirect!.searchParams.get('code')!,
      req.verifier,
    );
    expect(res.status).toBe(200);
    const claims = await readAggregatorAccessToken(String(res.body.access_token), {
      keyring: await s.agg.keys.tokenKeyring(),
      issuer: s.agg.issuer,
      audience: aggregatorTokenAudience(s.agg.issuer),
    });
    expect(claims.operator_id).toBe('sandbox-a');
  });
});
