import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Aggregator } from '../src/app.js';
import { HSTS } from '../src/infra/http/security-headers.js';
import { startTestAggregator } from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// Every kind of answer of the public and admin listeners carries the security headers: OIDC
// JSON, HTML error pages, token responses, CAMARA proxy and telco-finder answers.
let s: CoreStack;
let behindTls: Aggregator;
beforeAll(async () => {
  s = await startCoreStack();
  behindTls = await startTestAggregator(s.t.db, s.agg.issuer, { TRUST_PROXY: '127.0.0.0/8' });
}, 60_000);
afterAll(async () => {
  await behindTls.stop();
  await s.stop();
});

async function get(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { redirect: 'manual', ...init });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function expectHardened(headers: Headers) {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('content-security-policy')).toMatch(
    /default-src 'none'.*frame-ancestors 'none'/,
  );
  expect(headers.get('strict-transport-security')).toBeNull();
}

function expectNeverStored(headers: Headers) {
  expect(headers.get('cache-control')).toBe('no-store');
  expect(headers.get('pragma')).toBe('no-cache');
}

describe('security headers', () => {
  it('on OIDC JSON, HTML error pages and the admin API', async () => {
    const base = s.agg.publicUrl;
    for (const url of [
      `${base}/.well-known/openid-configuration`,
      `${base}/auth?client_id=sb-unknown&response_type=code`,
      `${base}/operator-callback?state=unknown-state&code=c`,
      `${base}/health`,
      `${s.agg.adminUrl}/admin/v1/operators`,
    ]) {
      const res = await get(url);
      expectHardened(res.headers);
      if (res.headers.get('content-type')?.startsWith('text/html')) {
        expect(res.text).not.toMatch(/<script|<style| style=| on[a-z]+=/i);
      }
    }
  });

  it('on token responses and CAMARA answers carrying personal data: never stored', async () => {
    const { req, params } = await s.authorize('127.10.0.40', s.secretApp, { prompt: 'none' });
    const token = await s.tokenFor(s.secretApp, params!.get('code')!, req.verifier);
    expect(token.status).toBe(200);
    const tokenRes = await fetch(`${s.agg.publicUrl}/token`, { method: 'POST' });
    expectHardened(tokenRes.headers);
    expectNeverStored(tokenRes.headers);

    const verified = await fetch(`${s.agg.publicUrl}/number-verification/v2/verify`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${String(token.body.access_token)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ phoneNumber: '+346001000040' }),
    });
    expect(await verified.json()).toEqual({ devicePhoneNumberVerified: true });
    expectHardened(verified.headers);
    expectNeverStored(verified.headers);

    const finder = await fetch(`${s.agg.publicUrl}/telco-finder/v1/search`, { method: 'POST' });
    expect(finder.status).toBe(401);
    expectHardened(finder.headers);
    expectNeverStored(finder.headers);
  });

  it('HSTS only when a trusted proxy says the request came over TLS', async () => {
    const https = { headers: { 'x-forwarded-proto': 'https' } };
    expect((await get(`${behindTls.publicUrl}/health`, https)).headers.get('strict-transport-security')).toBe(HSTS); // prettier-ignore
    expect((await get(`${behindTls.publicUrl}/health`)).headers.get('strict-transport-security')).toBeNull(); // prettier-ignore
    // Without TRUST_PROXY the header is the client's claim: ignored.
    expect((await get(`${s.agg.publicUrl}/health`, https)).headers.get('strict-transport-security')).toBeNull(); // prettier-ignore
  });
});
