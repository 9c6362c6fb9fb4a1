import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent } from 'undici';
import {
  cookieOf,
  startConsoleStack,
  type ConsoleStack,
} from '../../test-support/console-stack.js';
import { CONSOLE_CONTENT_SECURITY_POLICY } from './http/console-headers.js';

// The console's sign-in, sessions, CSRF and headers (docs/console.md), over real HTTP.
let s: ConsoleStack;
const HOUR = 3_600_000;

beforeAll(async () => {
  s = await startConsoleStack();
});
afterAll(() => s.stop());

const call: ConsoleStack['call'] = (p, init) => s.call(p, init);
const signIn = () => s.signIn();

async function oneTimeLink(): Promise<string> {
  const body = await s.oneTimeLink();
  expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(4 * 60_000);
  expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
  return body.url;
}

describe('console sign-in', () => {
  it('signs in with the admin token: an HttpOnly, SameSite=Strict cookie on /console, and a CSRF token', async () => {
    const a = await call('/console/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: s.token }),
    });
    expect(a.status).toBe(200);
    expect(a.json).toEqual({ csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const setCookie = a.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^sb_console=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/console/);
    // Only a hash of the session id is stored.
    const rows = await s.t.db.knex('console_sessions').select('id_hash');
    expect(JSON.stringify(rows)).not.toContain(cookieOf(a)!.slice('sb_console='.length));
    const again = await call('/console/api/session', { cookie: cookieOf(a)! });
    expect(again.json).toEqual({ signedIn: true, csrfToken: a.json.csrfToken });
  });

  it('refuses a wrong token with 401 invalid_token, and no cookie', async () => {
    const a = await call('/console/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'sbadm_wrong-wrong-wrong-wrong' }),
    });
    expect(a.status).toBe(401);
    expect(a.json).toMatchObject({ error: 'invalid_token', message: expect.any(String) });
    expect(a.headers.get('set-cookie')).toBeNull();
    await s.t.db.knex('console_signin_failures').delete();
  });

  it('throttles an address after repeated failures, even for the right token (429)', async () => {
    const dispatcher = new Agent({ localAddress: '127.0.0.9' });
    try {
      const attempt = (tok: string) =>
        call('/console/api/session', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: tok }),
          dispatcher,
        });
      for (let i = 0; i < 5; i += 1)
        expect((await attempt(`guess-${i}-guess-guess-guess`)).status).toBe(401);
      const blocked = await attempt(s.token);
      expect(blocked.status).toBe(429);
      expect(blocked.json).toMatchObject({ error: 'too_many_attempts' });
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another address is not affected.
      expect(
        (
          await call('/console/api/session', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ token: s.token }),
          })
        ).status,
      ).toBe(200);
    } finally {
      await dispatcher.close();
    }
  });

  it('a one-time link signs in once: 303 to /console/ with the cookie, then 400', async () => {
    const url = await oneTimeLink();
    expect(url).toMatch(new RegExp(`^${s.agg.adminUrl}/console/login\\?code=[A-Za-z0-9_-]{43}$`));
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/console/');
    const cookie = /^(sb_console=[^;]+)/.exec(first.headers.get('set-cookie') ?? '')![1]!;
    expect((await call('/console/api/session', { cookie })).json).toMatchObject({ signedIn: true });
    const second = await fetch(url, { redirect: 'manual' });
    expect(second.status).toBe(400);
    expect(await second.text()).toContain('this sign-in link is used or expired');
    expect(second.headers.get('set-cookie')).toBeNull();
  });

  it('an expired one-time link is refused', async () => {
    const url = await oneTimeLink();
    await s.t.db
      .knex('console_login_codes')
      .whereNull('used_at')
      .update({ expires_at: new Date(Date.now() - 1000) });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('used or expired');
  });

  it('creating a link needs the admin token', async () => {
    const res = await fetch(`${s.agg.adminUrl}/admin/v1/console/links`, { method: 'POST' });
    expect(res.status).toBe(401);
  });

  it('refuses the API without a session, or with an idle one (401 unauthenticated)', async () => {
    expect((await call('/console/api/overview')).status).toBe(401);
    expect((await call('/console/api/overview')).json).toMatchObject({ error: 'unauthenticated' });
    const { cookie } = await signIn();
    await s.t.db.knex('console_sessions').update({ last_seen_at: new Date(Date.now() - 9 * HOUR) });
    expect((await call('/console/api/session', { cookie })).status).toBe(401);
  });

  it('refuses a change without the CSRF token (403 csrf); signs out with it (204)', async () => {
    const { cookie, csrf } = await signIn();
    for (const header of [{}, { 'x-csrf-token': 'not-the-token' }] as Array<
      Record<string, string>
    >) {
      const refused = await call('/console/api/session', {
        method: 'DELETE',
        cookie,
        headers: header,
      });
      expect(refused.status).toBe(403);
      expect(refused.json).toEqual({ error: 'csrf', message: expect.any(String) });
    }
    const out = await call('/console/api/session', {
      method: 'DELETE',
      cookie,
      headers: { 'x-csrf-token': csrf },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/sb_console=;/);
    expect((await call('/console/api/session', { cookie })).status).toBe(401);
  });
});

describe('console pages and headers', () => {
  it('serves index.html for client routes and the bundle, with the strict CSP', async () => {
    for (const p of ['/console/', '/console/overview', '/console/verifications/v-ok-1']) {
      const a = await call(p);
      expect(a.status).toBe(200);
      expect(a.text).toContain('/console/assets/app.js');
      expect(a.headers.get('content-security-policy')).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
      expect(a.headers.get('x-content-type-options')).toBe('nosniff');
      expect(a.headers.get('referrer-policy')).toBe('no-referrer');
      expect(a.headers.get('cache-control')).toBe('no-store');
    }
    const js = await call('/console/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('content-security-policy')).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
    expect((await call('/console/assets/missing.js')).status).toBe(404);
    const api = await call('/console/api/overview');
    expect(api.headers.get('content-security-policy')).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
    expect(CONSOLE_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONSOLE_CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });

  it('answers 503 with how to build it when the bundle is missing', async () => {
    fs.renameSync(path.join(s.consoleDir, 'index.html'), path.join(s.consoleDir, 'index.bak'));
    try {
      const a = await call('/console/');
      expect(a.status).toBe(503);
      expect(a.text).toContain(
        'the console is not built: run `npm run build:console`'.replace(/`/g, '`'),
      );
    } finally {
      fs.renameSync(path.join(s.consoleDir, 'index.bak'), path.join(s.consoleDir, 'index.html'));
    }
  });
});
