import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent, request } from 'undici';
import {
  APP_CALLBACK,
  authorizeUrl,
  registerApp,
  registerFinderClient,
  type AppClient,
} from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// Every rate-limited endpoint reaches its limit over real sockets. Each test uses its own
// source addresses (any 127.x.y.z is a distinct client) and clients, so the budgets do not
// mix. A day-long window keeps a window boundary out of the test.
let s: CoreStack;
const agents: Agent[] = [];
beforeAll(async () => {
  s = await startCoreStack({
    RATE_LIMIT_WINDOW_SECONDS: '86400',
    RATE_LIMIT_SYNC_MS: '50',
    RATE_LIMIT_AUTHORIZE_PER_IP: '3',
    RATE_LIMIT_AUTHORIZE_PER_CLIENT: '6',
    // Lower than /auth's own: the third sign-in from one address starts no operator flow.
    RATE_LIMIT_INTERACTION_PER_IP: '2',
    RATE_LIMIT_TOKEN_PER_IP: '4',
    RATE_LIMIT_TOKEN_PER_CLIENT: '5',
    RATE_LIMIT_FINDER_PER_IP: '4',
    RATE_LIMIT_FINDER_PER_CLIENT: '5',
    RATE_LIMIT_PROXY_PER_IP: '4',
    RATE_LIMIT_PROXY_PER_CLIENT: '5',
  });
}, 60_000);
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await s.stop();
});

/** One HTTP call from a given loopback source address; no redirects followed. */
async function from(
  address: string,
  url: string,
  init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
) {
  const agent = new Agent({ localAddress: address });
  agents.push(agent);
  const res = await request(url, { dispatcher: agent, ...init });
  const text = await res.body.text();
  const header = (name: string) => {
    const v = res.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return { status: res.statusCode, text, header };
}

const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

// The limiter stopped limiting once its table was full, and made-up client ids filled it: no
// endpoint may give a client id a bucket before the client is known. First in this file, so
// the counter table holds only what this test sends.
describe('unknown clients', () => {
  it('get no bucket at any endpoint (made-up ids filled the limiter’s table)', async () => {
    const rows = async (kind: string) => {
      const row = (await s.t.db
        .knex('rate_limit_counters')
        .where('bucket', 'like', `${kind}:%`)
        .count({ n: '*' })
        .first()) as { n: string | number };
      return Number(row.n);
    };
    const endpoints = ['authorize', 'token', 'finder', 'proxy'];
    const madeUp = (n: number) => `sb-made-up-${n}`;
    const token = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      from('127.0.15.1', `${s.agg.publicUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ grant_type: 'client_credentials', ...body }).toString(),
      });
    const sub = Buffer.from(JSON.stringify({ sub: madeUp(3) })).toString('base64url');
    await token({}, { authorization: `Basic ${Buffer.from(`${madeUp(1)}:x`).toString('base64')}` });
    await token({ client_id: madeUp(2) });
    await token({
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: `eyJhbGciOiJFUzI1NiJ9.${sub}.c2ln`,
    });
    await from('127.0.15.1', authorizeUrl(s.agg.issuer, { ...s.secretApp, id: madeUp(4) }).url);
    const bearer = { authorization: `Bearer ${madeUp(5)}` };
    for (const path of ['/telco-finder/v1/search', '/number-verification/v2/verify'])
      await from('127.0.15.1', `${s.agg.publicUrl}${path}`, { method: 'POST', headers: bearer });

    // Each request counted against the address; once those counts are shared, so is the rest.
    const until = Date.now() + 10_000;
    while ((await Promise.all(endpoints.map((e) => rows(`${e}:ip`)))).includes(0)) {
      if (Date.now() > until) throw new Error('the address counts were never shared');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await Promise.all(endpoints.map((e) => rows(`${e}:client`)))).toEqual([0, 0, 0, 0]);
  });
});

describe('authorize endpoint', () => {
  it('per device address: sends the browser back to the app with temporarily_unavailable', async () => {
    const auth = () => authorizeUrl(s.agg.issuer, s.keyApp, { prompt: 'none' });
    for (let i = 0; i < 2; i += 1) {
      const ok = await from('127.10.9.1', auth().url);
      expect(ok.header('location')?.startsWith(s.sandboxes[0]!.url)).toBe(true);
    }
    // The third starts no operator flow (RATE_LIMIT_INTERACTION_PER_IP), the fourth is refused
    // before oidc-provider sees it (RATE_LIMIT_AUTHORIZE_PER_IP): both back to the app.
    for (const said of [
      /sign-ins started from this network/,
      /sign-in requests from this network/,
    ]) {
      const req = auth();
      const refused = await from('127.10.9.1', req.url);
      expect(refused.status).toBe(303);
      expect(Number(refused.header('retry-after'))).toBeGreaterThan(0);
      const back = new URL(refused.header('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(APP_CALLBACK);
      expect(back.searchParams.get('error')).toBe('temporarily_unavailable');
      expect(back.searchParams.get('error_description')).toMatch(said);
      expect(back.searchParams.get('state')).toBe(req.state);
      expect(back.searchParams.get('iss')).toBe(s.agg.issuer);
    }
  });

  it('shows a 429 page when the client or its redirect URI cannot be trusted', async () => {
    for (let i = 0; i < 3; i += 1)
      await from('127.10.9.2', authorizeUrl(s.agg.issuer, s.keyApp).url);
    const unknown = authorizeUrl(s.agg.issuer, { ...s.keyApp, id: 'sb-unknown-client' });
    const foreign = authorizeUrl(s.agg.issuer, s.keyApp, {
      redirectUri: 'https://attacker.example/cb',
    });
    for (const url of [unknown.url, foreign.url]) {
      const page = await from('127.10.9.2', url);
      expect(page.status).toBe(429);
      expect(page.header('location')).toBeUndefined();
      expect(page.header('content-type')).toMatch(/text\/html/);
      expect(Number(page.header('retry-after'))).toBeGreaterThan(0);
      expect(page.text).toContain('temporarily_unavailable');
    }
  });

  it('per client: one app’s budget, whatever the device address', async () => {
    const app: AppClient = await registerApp(s.agg, 'secret');
    for (let i = 0; i < 6; i += 1) {
      const ok = await from(`127.10.9.${20 + i}`, authorizeUrl(s.agg.issuer, app).url);
      expect(ok.header('location')?.startsWith(s.sandboxes[0]!.url)).toBe(true);
    }
    const refused = await from('127.10.9.30', authorizeUrl(s.agg.issuer, app).url);
    const back = new URL(refused.header('location')!);
    expect(back.searchParams.get('error')).toBe('temporarily_unavailable');
    expect(back.searchParams.get('error_description')).toMatch(/for this app/);
  });
});

// Each sign-in /auth lets through starts an operator flow (a database row, a request to the
// operator): RATE_LIMIT_INTERACTION_PER_IP caps how many one device address starts.
describe('operator flows per device address', () => {
  it('the address past its budget is sent back to the app, and no operator flow starts', async () => {
    const app = await registerApp(s.agg, 'secret');
    const flows = () => s.t.db.knex('operator_flows').where({ client_id: app.id });
    for (let i = 0; i < 2; i += 1) {
      const started = await from('127.10.14.1', authorizeUrl(s.agg.issuer, app).url);
      expect(started.header('location')?.startsWith(s.sandboxes[0]!.url)).toBe(true);
    }
    expect(await flows()).toHaveLength(2);
    const refused = await from('127.10.14.1', authorizeUrl(s.agg.issuer, app).url);
    const back = new URL(refused.header('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(APP_CALLBACK);
    expect(back.searchParams.get('error')).toBe('temporarily_unavailable');
    expect(Number(refused.header('retry-after'))).toBeGreaterThan(0);
    expect(await flows()).toHaveLength(2);
    // Another address has its own budget.
    const other = await from('127.10.14.2', authorizeUrl(s.agg.issuer, app).url);
    expect(other.header('location')?.startsWith(s.sandboxes[0]!.url)).toBe(true);
  });
});

describe('token endpoint', () => {
  const form = (extra: Record<string, string> = {}) =>
    new URLSearchParams({ grant_type: 'authorization_code', code: 'nope', ...extra }).toString();
  const post = (address: string, body: string, headers: Record<string, string> = {}) =>
    from(address, `${s.agg.publicUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
  const expectRefused = (res: Awaited<ReturnType<typeof post>>, who: RegExp) => {
    expect(res.status).toBe(429);
    expect(res.header('cache-control')).toBe('no-store');
    expect(res.header('pragma')).toBe('no-cache');
    expect(Number(res.header('retry-after'))).toBeGreaterThan(0);
    expect(json(res.text)).toEqual({
      error: 'temporarily_unavailable',
      error_description: expect.stringMatching(who),
    });
  };

  it('per address: 429 with an RFC 6749-style error after the limit', async () => {
    for (let i = 0; i < 4; i += 1) expect((await post('127.0.5.1', form())).status).not.toBe(429);
    expectRefused(await post('127.0.5.1', form()), /from this address/);
  });

  it('per address, counting the CIBA backchannel endpoint as a token request', async () => {
    const backchannel = (address: string) =>
      from(address, `${s.agg.publicUrl}/bc-authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'login_hint=tel%3A%2B346001000005&scope=openid',
      });
    for (let i = 0; i < 3; i += 1) expect((await backchannel('127.0.5.2')).status).not.toBe(429);
    expect((await post('127.0.5.2', form())).status).not.toBe(429);
    expectRefused(await backchannel('127.0.5.2'), /from this address/);
  });

  it('per client: counts the tokens an authenticated client gets, then refuses it before authentication', async () => {
    const finder = await registerFinderClient(s.agg);
    const basic = (secret: string) =>
      `Basic ${Buffer.from(`${finder.id}:${secret}`).toString('base64')}`;
    const machine = 'grant_type=client_credentials&scope=telco-finder';
    for (let i = 1; i <= 5; i += 1) {
      const res = await post(`127.0.6.${i}`, machine, { authorization: basic(finder.secret) });
      expect(res.status).toBe(200);
    }
    expectRefused(
      await post('127.0.6.6', machine, { authorization: basic(finder.secret) }),
      /for this client/,
    );
    // Its budget is spent: a request naming it is refused before its secret is even checked.
    expectRefused(
      await post('127.0.6.7', machine, { authorization: basic('wrong') }),
      /for this client/,
    );
  });
});

// Anyone could exhaust a chosen app's per-client rate limit: the token endpoint charged the
// client a request named (HTTP Basic, client_id, a client assertion's unverified sub) before
// authenticating it, and /auth charged any client_id. Attacker and victim use their own
// source addresses; the attack spends nearly twice the victim's budget.
describe("an attacker cannot exhaust a chosen app's per-client rate limit", () => {
  const tokenRequest = (address: string, body: URLSearchParams, headers = {}) =>
    from(address, `${s.agg.publicUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: body.toString(),
    });
  const redeem = (victim: string) =>
    new URLSearchParams({
      grant_type: 'authorization_code',
      code: 'stolen-or-made-up',
      redirect_uri: APP_CALLBACK,
      code_verifier: 'v'.repeat(43),
      client_id: victim,
    });

  it('credential-less /token requests naming the app, from many addresses, leave its token alone', async () => {
    const victim = (await registerApp(s.agg, 'secret')) as Extract<AppClient, { method: 'secret' }>;
    const forged = [
      { alg: 'ES256' },
      { iss: victim.id, sub: victim.id, aud: s.agg.issuer, jti: 'x', exp: 4_000_000_000 },
    ]
      .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
      .join('.');
    const wrongSecret = `Basic ${Buffer.from(`${victim.id}:wrong`).toString('base64')}`;
    const withoutClientId = redeem(victim.id);
    withoutClientId.delete('client_id');
    const assertion = new URLSearchParams(withoutClientId);
    assertion.set(
      'client_assertion_type',
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
    assertion.set('client_assertion', `${forged}.c2ln`);
    const attacks = [
      () => ({ body: withoutClientId, headers: { authorization: wrongSecret } }),
      () => ({ body: redeem(victim.id), headers: {} }),
      () => ({ body: assertion, headers: {} }),
    ];
    for (let i = 0; i < 9; i += 1) {
      const { body, headers } = attacks[i % 3]!();
      const res = await tokenRequest(`127.0.12.${i + 1}`, body, headers);
      expect(res.status).toBe(401);
      expect(json(res.text).error).toBe('invalid_client');
    }

    const { req, params } = await s.authorize('127.10.12.1', victim, { prompt: 'none' });
    const code = params?.get('code');
    expect(code).toBeTruthy();
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: APP_CALLBACK,
      code_verifier: req.verifier,
    });
    const res = await tokenRequest('127.0.12.100', form, {
      authorization: `Basic ${Buffer.from(`${victim.id}:${victim.secret}`).toString('base64')}`,
    });
    expect(res.status).toBe(200);
    expect(typeof json(res.text).access_token).toBe('string');
  });

  it("/auth requests with the app's client_id and an unregistered redirect URI leave its sign-ins alone", async () => {
    const victim = await registerApp(s.agg, 'secret');
    for (let i = 0; i < 9; i += 1) {
      const url = authorizeUrl(s.agg.issuer, victim, {
        redirectUri: `https://attacker.example/cb${i}`,
      }).url;
      const res = await from(`127.0.13.${i + 1}`, url);
      expect(res.status).toBe(400);
      expect(res.header('location')).toBeUndefined();
    }
    const signIn = await from('127.10.13.1', authorizeUrl(s.agg.issuer, victim).url);
    expect(signIn.status).toBe(303);
    expect(signIn.header('location')?.startsWith(s.sandboxes[0]!.url)).toBe(true);
  });
});

describe('CAMARA endpoints', () => {
  async function finderToken(): Promise<string> {
    const created = await s.agg.clients.add({
      name: 'Finder',
      grantType: 'client_credentials',
      authMethod: 'client_secret_basic',
    });
    const res = await from('127.0.7.1', `${s.agg.publicUrl}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${created.client.id}:${created.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=telco-finder',
    });
    return String(json(res.text).access_token);
  }

  const expectCamara429 = (res: Awaited<ReturnType<typeof from>>, who: RegExp) => {
    expect(res.status).toBe(429);
    expect(Number(res.header('retry-after'))).toBeGreaterThan(0);
    expect(res.header('x-correlator')).toBeTruthy();
    expect(json(res.text)).toEqual({
      status: 429,
      code: 'TOO_MANY_REQUESTS',
      message: expect.stringMatching(who),
    });
  };

  it('telco finder: per address, then per client', async () => {
    const token = await finderToken();
    const search = (address: string) =>
      from(address, `${s.agg.publicUrl}/telco-finder/v1/search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ target: { ipv4Address: { publicAddress: '127.10.0.1' } } }),
      });
    for (let i = 0; i < 4; i += 1) expect((await search('127.0.8.1')).status).toBe(200);
    expectCamara429(await search('127.0.8.1'), /this address/);
    expect((await search('127.0.8.2')).status).toBe(200);
    expectCamara429(await search('127.0.8.3'), /this client/);
  });

  it('number verification proxy: per address before the token is read, then per client', async () => {
    const verify = (address: string, token?: string) =>
      from(address, `${s.agg.publicUrl}/number-verification/v2/verify`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ phoneNumber: '+346001000005' }),
      });
    for (let i = 0; i < 4; i += 1) expect((await verify('127.0.9.1')).status).toBe(401);
    expectCamara429(await verify('127.0.9.1'), /this address/);

    const { req, params } = await s.authorize('127.10.0.5', s.secretApp, { prompt: 'none' });
    const token = String(
      (await s.tokenFor(s.secretApp, params!.get('code')!, req.verifier)).body.access_token,
    );
    const first = await verify('127.0.10.1', token);
    expect(json(first.text)).toEqual({ devicePhoneNumberVerified: true });
    // The sandbox spends its token on first use: later calls get its 401, still counted.
    for (let i = 2; i <= 5; i += 1)
      expect((await verify(`127.0.10.${i}`, token)).status).not.toBe(429);
    expectCamara429(await verify('127.0.10.6', token), /this client/);
  });
});

describe('shared counters', () => {
  it('reach the database as keyed hashes: no address or client id in clear', async () => {
    const rows = async () =>
      (await s.t.db.knex('rate_limit_counters').select('bucket', 'count')) as Array<{
        bucket: string;
        count: string;
      }>;
    const kinds = (stored: Array<{ bucket: string }>) =>
      new Set(stored.map((r) => r.bucket.split(':').slice(0, 2).join(':')));
    const until = Date.now() + 10_000;
    while (kinds(await rows()).size < 9 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    const stored = await rows();
    expect(kinds(stored)).toEqual(
      new Set([
        'authorize:ip',
        'authorize:client',
        'interaction:ip',
        'token:ip',
        'token:client',
        'finder:ip',
        'finder:client',
        'proxy:ip',
        'proxy:client',
      ]),
    );
    for (const { bucket } of stored) {
      expect(bucket).toMatch(/^[a-z]+:(ip|client):[A-Za-z0-9_-]{22}$/);
      // '.' is not in base64url, so no address is in clear; nor is any client id.
      expect(bucket).not.toMatch(/127\./);
      for (const id of [s.secretApp.id, s.keyApp.id]) expect(bucket).not.toContain(id);
    }
  });
});
