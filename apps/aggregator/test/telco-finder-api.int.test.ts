import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '@switchboard/cli/test-support';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import type { Aggregator } from '../src/app.js';
import { hashToken } from '../src/admin/admin-tokens.js';
import { insertAdminToken } from '../src/admin/store/admin-token-store.js';
import {
  clientCredentialsToken,
  registerApp,
  registerOperators,
  startTestAggregator,
} from '../test-support/core-fixture.js';

// GSMA OPG.10 telco finder over real sockets: a client-credentials client asks which
// operator serves a phone number or an IP address.
const ADMIN = { kind: 'admin', id: 'test' } as const;
let t: TestDatabase;
let agg: Aggregator;
let token: string;

const clientToken = (id: string, secret: string, scope?: string) =>
  clientCredentialsToken(agg.publicUrl, { id, secret }, scope);

async function finderClient(): Promise<{ id: string; secret: string }> {
  const created = await agg.clients.add({
    name: 'Partner finder',
    grantType: 'client_credentials',
    authMethod: 'client_secret_basic',
  });
  return { id: created.client.id, secret: created.clientSecret! };
}

async function search(body: unknown, bearer: string | null = token, headers = {}) {
  const res = await fetch(`${agg.publicUrl}/telco-finder/v1/search`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    correlator: res.headers.get('x-correlator'),
    json: (await res.json()) as Record<string, unknown>,
  };
}

beforeAll(async () => {
  t = await createTestDatabase();
  agg = await startTestAggregator(t.db);
  // No flows here: the operators' URLs are only reported, never contacted.
  await registerOperators(agg, 'http://sandbox-a.test', 'http://sandbox-b.test');
  await agg.routes.addPrefixes('sandbox-a', ['+3460'], {}, ADMIN);
  await agg.routes.addRanges('sandbox-b', ['2001:db8::/32'], {}, ADMIN);
  await agg.index.refresh();
  const c = await finderClient();
  const issued = await clientToken(c.id, c.secret, 'telco-finder');
  expect(issued.status).toBe(200);
  expect(issued.body.scope).toBe('telco-finder');
  token = String(issued.body.access_token);
}, 60_000);
afterAll(async () => {
  await agg.stop();
  await t.destroy();
});

describe('POST /telco-finder/v1/search: targets', () => {
  it('finds the operator of a phone number, with apiRoot and discovery URL on request', async () => {
    const r = await search({
      target: { phoneNumber: '+34600123456' },
      includeApiRoot: true,
      includeAuthProviderConfiguration: true,
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      operatorId: 'sandbox-a',
      apiRoot: 'http://sandbox-a.test',
      authProviderConfiguration: 'http://sandbox-a.test/.well-known/openid-configuration',
    });
  });

  it('returns only operatorId unless asked for more', async () => {
    const r = await search({ target: { ipv4Address: { publicAddress: '127.20.1.2' } } });
    expect(r.json).toEqual({ operatorId: 'sandbox-b' });
    const root = await search({
      target: { ipv4Address: { publicAddress: '127.10.0.5', publicPort: 40000 } },
      includeApiRoot: true,
      includeAuthProviderConfiguration: false,
    });
    expect(root.json).toEqual({ operatorId: 'sandbox-a', apiRoot: 'http://sandbox-a.test' });
  });

  it('finds IPv6 targets, and folds IPv4-mapped IPv6 to IPv4', async () => {
    expect((await search({ target: { ipv6Address: '2001:db8::42' } })).json).toEqual({
      operatorId: 'sandbox-b',
    });
    expect((await search({ target: { ipv6Address: '::ffff:127.10.3.4' } })).json).toEqual({
      operatorId: 'sandbox-a',
    });
  });

  it('answers 404 NOT_FOUND when no operator matches', async () => {
    for (const target of [
      { phoneNumber: '+4915112345678' },
      { ipv4Address: { publicAddress: '192.0.2.1' } },
      { ipv6Address: '2001:db9::1' },
    ]) {
      const r = await search({ target });
      expect(r.status).toBe(404);
      expect(r.json.code).toBe('NOT_FOUND');
    }
  });

  it.each([
    ['no target', {}],
    ['two targets', { target: { phoneNumber: '+34600123456', ipv6Address: '2001:db8::1' } }],
    ['an empty target', { target: {} }],
    ['a number without +', { target: { phoneNumber: '34600123456' } }],
    ['a bad IPv4', { target: { ipv4Address: { publicAddress: '127.10.0.300' } } }],
    ['an IPv6 as IPv4', { target: { ipv4Address: { publicAddress: '2001:db8::1' } } }],
    ['a bad port', { target: { ipv4Address: { publicAddress: '127.10.0.1', publicPort: 70000 } } }],
    ['a bad IPv6', { target: { ipv6Address: '2001:db8::g' } }],
    ['an unknown target kind', { target: { networkId: '21407' } }],
    ['an unknown property', { target: { phoneNumber: '+34600123456' }, extra: 1 }],
    ['a non-boolean flag', { target: { phoneNumber: '+34600123456' }, includeApiRoot: 'yes' }],
    ['malformed JSON', '{"target":'],
  ])('refuses %s with 400 INVALID_ARGUMENT', async (_name, body) => {
    const r = await search(body);
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('INVALID_ARGUMENT');
  });

  it('echoes a valid x-correlator, generates one when absent, refuses a bad one', async () => {
    const body = { target: { phoneNumber: '+34600123456' } };
    expect((await search(body, token, { 'x-correlator': 'abc-123' })).correlator).toBe('abc-123');
    expect((await search(body)).correlator).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await search(body, token, { 'x-correlator': 'no spaces allowed' });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('INVALID_ARGUMENT');
  });
});

describe('telco finder metrics', () => {
  it('counts lookups by result on the admin /metrics', async () => {
    const text = await (await fetch(`${agg.adminUrl}/metrics`)).text();
    expect(text).toMatch(/finder_lookups_total\{result="found"\} [1-9]/);
    expect(text).toMatch(/finder_lookups_total\{result="not-found"\} [1-9]/);
  });
});

describe('POST /telco-finder/v1/search: client credentials', () => {
  const body = { target: { phoneNumber: '+34600123456' } };

  it('refuses a missing, malformed or foreign token with 401 UNAUTHENTICATED', async () => {
    for (const bearer of [null, 'not-a-token', `${token.slice(0, -4)}AAAA`]) {
      const r = await search(body, bearer);
      expect(r.status).toBe(401);
      expect(r.json.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses a token without the telco-finder scope with 403 PERMISSION_DENIED', async () => {
    const c = await finderClient();
    const issued = await clientToken(c.id, c.secret, 'something-else');
    expect(issued.status).toBe(200);
    const r = await search(body, String(issued.body.access_token));
    expect(r.status).toBe(403);
    expect(r.json.code).toBe('PERMISSION_DENIED');
  });

  it('stops accepting the tokens of a disabled client', async () => {
    const c = await finderClient();
    const issued = String((await clientToken(c.id, c.secret, 'telco-finder')).body.access_token);
    expect((await search(body, issued)).status).toBe(200);
    await agg.clients.setStatus(c.id, 'disabled');
    expect((await search(body, issued)).status).toBe(401);
  });

  it('does not let a finder token call the CAMARA proxy', async () => {
    const res = await fetch(`${agg.publicUrl}/number-verification/v2/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumber: '+34600123456' }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
  });

  it('serves a client made with `switchboard clients add --telco-finder --secret`', async () => {
    const admin = `sbadm_${randomBytes(24).toString('base64url')}`;
    await insertAdminToken(agg.database.knex, 'finder test', hashToken(admin));
    const argv = ['--json', 'clients', 'add', '--name', 'CLI finder', '--telco-finder', '--secret'];
    const { code, stdout } = await runCli({ adminUrl: agg.adminUrl, adminToken: admin }, argv);
    expect(code).toBe(0);
    const created = JSON.parse(stdout) as {
      client: { id: string; grantType: string; redirectUris: string[] };
      clientSecret: string;
    };
    expect(created.client).toMatchObject({ grantType: 'client_credentials', redirectUris: [] });
    const issued = await clientToken(created.client.id, created.clientSecret, 'telco-finder');
    expect((await search(body, String(issued.body.access_token))).json).toEqual({
      operatorId: 'sandbox-a',
    });
  });

  it('gives client credentials only to clients registered for them', async () => {
    const app = await registerApp(agg, 'secret');
    if (app.method !== 'secret') throw new Error('expected a secret client');
    const r = await clientToken(app.id, app.secret, 'telco-finder');
    expect(r.status).toBe(400);
    expect(r.body.error_description).toMatch(/grant type is not allowed/);
  });

  it('registers finder clients without redirect URIs only', async () => {
    await expect(
      agg.clients.add({
        name: 'x',
        grantType: 'client_credentials',
        redirectUris: ['https://x.example/cb'],
        authMethod: 'client_secret_basic',
      }),
    ).rejects.toThrow(/redirectUris/);
  });
});
