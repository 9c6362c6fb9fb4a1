import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { aggregatorTokenAudience } from '@switchboard/tokens';
import { mintAggregatorAccessToken } from '@switchboard/tokens/test-support';
import {
  APP_CALLBACK,
  authorizeUrl,
  finderToken,
  redeemCode,
  registerFinderClient,
  type AppClient,
} from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// Security checks as tests (docs/security.md, "Threat model"): each names an attack on the OAuth flow or the proxy and
// asserts the safe outcome.
let s: CoreStack;
let finder: { id: string; secret: string };
beforeAll(async () => {
  s = await startCoreStack();
  finder = await registerFinderClient(s.agg);
}, 60_000);
afterAll(() => s.stop());

const verify = (token: string, number = '+346001000050') =>
  fetch(`${s.agg.publicUrl}/number-verification/v2/verify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ phoneNumber: number }),
  });

async function codeFor(address: string, app: AppClient = s.secretApp) {
  const { req, params } = await s.authorize(address, app, { prompt: 'none' });
  const code = params?.get('code');
  if (!code) throw new Error(`no code: ${params?.toString()}`);
  return { code, verifier: req.verifier };
}

/** Starts a flow and stops at the aggregator's operator callback (state + OperatorCode). */
async function operatorCallback(address: string) {
  const browser = s.device(address);
  const req = authorizeUrl(s.agg.issuer, s.secretApp, { prompt: 'none' });
  const { redirect } = await browser.follow(req.url, `${s.agg.publicUrl}/operator-callback`);
  if (!redirect) throw new Error('the flow did not reach the operator callback');
  return { browser, callback: redirect, req };
}

describe('redirect URIs: no open redirect', () => {
  const variations = [
    'http://evil.example/app-callback',
    `${APP_CALLBACK}/`,
    APP_CALLBACK.replace('app-callback', 'APP-CALLBACK'),
    `${APP_CALLBACK}?next=http://evil.example`,
    `${APP_CALLBACK}#frag`,
    APP_CALLBACK.replace('http://', 'http://attacker@'),
    APP_CALLBACK.replace(':3999', ':3998'),
    APP_CALLBACK.replace('http:', 'https:'),
    '//evil.example/app-callback',
  ];
  it.each(variations)('refuses %s with an error page, never a redirect', async (redirectUri) => {
    const { page, redirect } = await s.authorize('127.10.0.40', s.secretApp, { redirectUri });
    expect(redirect).toBeUndefined();
    expect(page.status).toBe(400);
    expect(page.text).toMatch(/invalid_redirect_uri|invalid_request/);
  });
});

describe('authorization codes and PKCE', () => {
  it('refuses a replayed code and revokes what was issued from it at the operator (RFC 6749 §4.1.2)', async () => {
    const { code, verifier } = await codeFor('127.10.0.50');
    const first = await s.tokenFor(s.secretApp, code, verifier);
    expect(first.status).toBe(200);
    const token = String(first.body.access_token);
    expect((await verify(token)).status).toBe(200);
    const again = await s.tokenFor(s.secretApp, code, verifier);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    // The revocation runs after the answer; the stored operator token goes last.
    const pending = () => s.t.db.knex('operator_grants').where({ client_id: s.secretApp.id });
    for (let i = 0; i < 500 && (await pending().first()); i += 1) await sleep(20);
    const after = await verify(token);
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it.each([
    ['no code_challenge', { code_challenge: null, code_challenge_method: null }],
    ['the plain method', { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }],
  ])('refuses an authorization request with %s (PKCE S256 only)', async (_, change) => {
    const req = authorizeUrl(s.agg.issuer, s.secretApp, { prompt: 'none' });
    const url = new URL(req.url);
    for (const [k, v] of Object.entries(change))
      if (v === null) url.searchParams.delete(k);
      else url.searchParams.set(k, v);
    const { redirect } = await s.device('127.10.0.51').follow(url.href, APP_CALLBACK);
    expect(redirect?.searchParams.get('error')).toBe('invalid_request');
    expect(redirect?.searchParams.get('code')).toBeNull();
  });

  it('refuses a code redeemed with a wrong or missing code_verifier', async () => {
    for (const wrong of ['w'.repeat(43), '']) {
      const { code } = await codeFor('127.10.0.52');
      const res = await s.tokenFor(s.secretApp, code, wrong);
      expect(res.status).toBe(400);
      expect(['invalid_grant', 'invalid_request']).toContain(res.body.error);
    }
  });
});

describe('mix-ups between two concurrent flows', () => {
  it("flow A's operator callback cannot complete flow B in another browser", async () => {
    const a = await operatorCallback('127.10.0.60');
    const b = await operatorCallback('127.10.0.61');
    const { page, redirect } = await b.browser.follow(a.callback.href, APP_CALLBACK);
    expect(redirect?.searchParams.get('code') ?? null).toBeNull();
    expect(page.status).toBeGreaterThanOrEqual(400);
    // B's own flow is untouched and still completes.
    const own = await b.browser.follow(b.callback.href, APP_CALLBACK);
    expect(own.redirect?.searchParams.get('state')).toBe(b.req.state);
    expect(own.redirect?.searchParams.get('code')).toBeTruthy();
  });

  it("flow A's OperatorCode under flow B's state fails the operator's PKCE check", async () => {
    const a = await operatorCallback('127.10.0.62');
    const b = await operatorCallback('127.10.0.63');
    const swapped = new URL(b.callback);
    swapped.searchParams.set('code', a.callback.searchParams.get('code')!);
    const { redirect } = await b.browser.follow(swapped.href, APP_CALLBACK);
    expect(redirect?.searchParams.get('state')).toBe(b.req.state);
    expect(redirect?.searchParams.get('error')).toBe('server_error');
    expect(redirect?.searchParams.get('code')).toBeNull();
  });
});

describe('token substitution', () => {
  it("client B cannot redeem client A's code", async () => {
    const { code, verifier } = await codeFor('127.10.0.70', s.secretApp);
    const res = await redeemCode(
      `${s.agg.publicUrl}/token`,
      s.agg.issuer,
      s.keyApp,
      code,
      verifier,
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('an AggregatorAccessToken is no finder token, no admin token, and the reverse', async () => {
    const { code, verifier } = await codeFor('127.10.0.71');
    const access = String((await s.tokenFor(s.secretApp, code, verifier)).body.access_token);
    const search = await fetch(`${s.agg.publicUrl}/telco-finder/v1/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
      body: JSON.stringify({ target: { phoneNumber: '+34600000001' } }),
    });
    expect(search.status).toBe(401);
    const admin = await fetch(`${s.agg.adminUrl}/admin/v1/operators`, {
      headers: { authorization: `Bearer ${access}` },
    });
    expect(admin.status).toBe(401);
    expect((await verify(await finderToken(s.agg.publicUrl, finder))).status).toBe(401);
  });
});

describe('device address and operator URLs', () => {
  it('ignores X-Forwarded-For from an untrusted peer (no TRUST_PROXY)', async () => {
    const req = authorizeUrl(s.agg.issuer, s.secretApp, { prompt: 'none' });
    // 127.30/16 is on no operator's network; the spoofed header names sandbox-a's.
    const spoofer = s.device('127.30.0.5', { 'x-forwarded-for': '127.10.0.5' });
    const { redirect } = await spoofer.follow(req.url, APP_CALLBACK);
    expect(redirect?.searchParams.get('error')).toBe('access_denied');
  });

  it('never contacts an api root that is not registered, even in a token it minted', async () => {
    let contacted = 0;
    const decoy = http.createServer((_req, res) => {
      contacted += 1;
      res.end('{}');
    });
    await new Promise<void>((resolve) => decoy.listen(0, '127.0.0.1', resolve));
    const decoyUrl = `http://127.0.0.1:${(decoy.address() as AddressInfo).port}`;
    const { code, verifier } = await codeFor('127.10.0.80');
    const claims = (await s.tokenFor(s.secretApp, code, verifier)).claims!;
    const forged = await mintAggregatorAccessToken(
      { ...claims, api_root: decoyUrl, aud: aggregatorTokenAudience(s.agg.issuer) },
      await s.agg.keys.tokenKeyring(),
    );
    const res = await verify(forged);
    await new Promise((resolve) => decoy.close(resolve));
    expect(res.status).toBe(401);
    expect(contacted).toBe(0);
  });

  it.each([
    ['file:///etc/passwd', /http\(s\) URL/],
    ['gopher://127.0.0.1:25/', /http\(s\) URL/],
    ['https://user:password@operator.example', /http\(s\) URL/],
    ['https://operator.example/api?x=1', /query or fragment/],
    ['https://operator.example/api#x', /query or fragment/],
    ['http://operator.example', /must be https/],
  ])('refuses to register an operator URL %s', async (url, message) => {
    const register = s.agg.operators.create(
      {
        id: 'ssrf-test',
        name: 'SSRF test',
        country: 'ES',
        issuerUrl: url,
        apiRoot: url,
        clientId: 'switchboard',
        credentials: { method: 'client_secret_basic', clientSecret: 'whatever-secret' },
      },
      { kind: 'admin', id: 'test' },
    );
    await expect(register).rejects.toThrow(message);
  });
});

describe('hostile bytes in identifiers (found by the fuzz suite)', () => {
  it('answers a NUL byte in client_id or the callback state with a 400 page, not a 500', async () => {
    const browser = s.device('127.10.0.90');
    const auth = await browser.get(`${s.agg.publicUrl}/auth?client_id=%00&response_type=code`);
    expect(auth.status).toBe(400);
    expect(auth.text).toMatch(/invalid_client/);
    const callback = await browser.get(`${s.agg.publicUrl}/operator-callback?state=a%00&code=x`);
    expect(callback.status).toBe(400);
    expect(callback.text).toMatch(/unknown, expired or already used/);
  });
});
