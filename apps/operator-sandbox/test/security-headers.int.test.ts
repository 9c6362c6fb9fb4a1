import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSandbox } from '../src/index.js';
import { startInstance } from '../test-support/sandbox-fixture.js';

// The operator's pages, its OIDC endpoints and its CAMARA API all answer with the headers.
let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startInstance('sandbox-a');
});
afterAll(() => sandbox.close());

describe('sandbox security headers', () => {
  it.each([
    ['a page', 'GET', '/consents'],
    ['an OAuth error page', 'GET', '/auth?client_id=nobody'],
    ['discovery', 'GET', '/.well-known/openid-configuration'],
    ['the CAMARA API', 'POST', '/number-verification/v2/verify'],
  ])('on %s', async (_what, method, path) => {
    const res = await fetch(`${sandbox.url}${path}`, { method, headers: { accept: 'text/html' } });
    await res.arrayBuffer();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; base-uri 'none'; frame-ancestors 'none'$/,
    );
  });
});
