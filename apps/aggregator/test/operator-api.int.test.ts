import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import type { Aggregator } from '../src/app.js';
import { registerOperators, startTestAggregator } from '../test-support/core-fixture.js';
import {
  adminCli,
  callOperatorApi,
  operatorClient,
  operatorToken,
  requestToken,
  type OperatorClient,
} from '../test-support/operator-client.js';

// The operator self-service API outside development: authentication, isolation, claim rules,
// validation that keeps old values, the audit trail. (Development mode: operator-onboarding.int.test.ts.)
let t: TestDatabase;
let agg: Aggregator;
let cli: Awaited<ReturnType<typeof adminCli>>;
let clientA: OperatorClient;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  t = await createTestDatabase();
  agg = await startTestAggregator(t.db, undefined, { ROUTING_SYNC_INTERVAL_SECONDS: '0' });
  await registerOperators(agg, 'http://sandbox-a.test', 'http://sandbox-b.test');
  cli = await adminCli(agg);
  clientA = await operatorClient(agg, 'sandbox-a');
  tokenA = await operatorToken(agg, clientA);
  tokenB = await operatorToken(agg, await operatorClient(agg, 'sandbox-b'));
}, 60_000);
afterAll(async () => {
  await agg.stop();
  await t.destroy();
});

const api = (token: string | null, method: string, path: string, body?: unknown) =>
  callOperatorApi(agg, token, method, path, body);

describe('operator API: authentication', () => {
  it('issues operator:manage tokens to operator clients (private_key_jwt) only', async () => {
    const ok = await requestToken(agg, clientA);
    expect(ok.status).toBe(200);
    expect(ok.body.scope).toBe('operator:manage');
    const finder = await agg.clients.add({
      name: 'finder',
      grantType: 'client_credentials',
      authMethod: 'client_secret_basic',
    });
    const res = await fetch(`${agg.publicUrl}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${finder.client.id}:${finder.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=operator:manage',
    });
    const finderToken = String(((await res.json()) as { access_token: string }).access_token);
    const refused = await api(finderToken, 'GET', 'sandbox-a');
    expect(refused.status).toBe(401);
    expect(refused.json.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a missing or forged token with 401, and an operator token elsewhere', async () => {
    for (const bearer of [null, 'nope', `${tokenA.slice(0, -4)}AAAA`]) {
      const r = await api(bearer, 'GET', 'sandbox-a');
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
    const finder = await fetch(`${agg.publicUrl}/telco-finder/v1/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenA}`, 'content-type': 'application/json' },
      body: JSON.stringify({ target: { phoneNumber: '+34600000001' } }),
    });
    expect(finder.status).toBe(401);
  });

  it('stops accepting the tokens of a disabled operator client', async () => {
    const c = await operatorClient(agg, 'sandbox-a');
    const token = await operatorToken(agg, c);
    expect((await api(token, 'GET', 'sandbox-a')).status).toBe(200);
    await agg.clients.setStatus(c.id, 'disabled');
    expect((await api(token, 'GET', 'sandbox-a')).status).toBe(401);
  });
});

describe('operator API: isolation', () => {
  it('shows an operator its own profile, never credentials or admin switches', async () => {
    const r = await api(tokenA, 'GET', 'sandbox-a');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id: 'sandbox-a', clientAuthMethod: 'private_key_jwt' });
    expect(r.json).not.toHaveProperty('allowInsecureHttp');
    expect(JSON.stringify(r.json)).not.toMatch(/credentials|clientSecret|demo-only/);
  });

  it.each([
    ['GET', 'sandbox-b', undefined],
    ['PATCH', 'sandbox-b', { name: 'Hijacked' }],
    ['GET', 'sandbox-b/routes', undefined],
    ['POST', 'sandbox-b/routes', { ranges: ['88.0.0.0/11'] }],
    ['POST', 'sandbox-b/routes/remove', { ranges: ['127.20.0.0/16'] }],
    ['PUT', 'sandbox-b/routes', { ranges: [] }],
    ['GET', 'sandbox-b/audit', undefined],
  ])("refuses operator A's %s %s with 403", async (method, path, body) => {
    const r = await api(tokenA, method, path, body);
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({
      code: 'PERMISSION_DENIED',
      message: "This token acts for operator 'sandbox-a' only.",
    });
  });

  it("leaves operator B's record and routes untouched", async () => {
    expect((await agg.operators.get('sandbox-b')).name).toBe('Sandbox Operator B');
    expect((await agg.routes.listRanges('sandbox-b')).map((r) => r.cidr)).toEqual([
      '127.20.0.0/16',
    ]);
  });
});

describe('operator API: routes', () => {
  it('adds, lists, removes and replaces its own routes with the diff', async () => {
    const added = await api(tokenB, 'POST', 'sandbox-b/routes', {
      ranges: ['88.0.0.0/11'],
      prefixes: ['+49170'],
      networks: ['26201'],
    });
    expect(added.status).toBe(200);
    expect(added.json.ranges).toEqual({ added: ['88.0.0.0/11'], removed: [], unchanged: 1 });
    expect(agg.index.lookupIp('88.1.2.3')?.operator.id).toBe('sandbox-b');
    expect((await api(tokenB, 'GET', 'sandbox-b/routes')).json).toEqual({
      ranges: ['88.0.0.0/11', '127.20.0.0/16'],
      prefixes: ['49170'],
      networks: ['26201'],
    });
    const replaced = await api(tokenB, 'PUT', 'sandbox-b/routes', {
      ranges: ['88.0.0.0/11', '2a02:9000::/23'],
      networks: [],
    });
    expect(replaced.json).toEqual({
      ranges: { added: ['2a02:9000::/23'], removed: ['127.20.0.0/16'], unchanged: 1 },
      networks: { added: [], removed: ['26201'], unchanged: 0 },
    });
    // Applied in this process before the answer: the index already routes by it.
    expect(agg.index.lookupIp('127.20.0.1')).toBeUndefined();
    expect(agg.index.lookupIp('2a02:9000::1')?.operator.id).toBe('sandbox-b');
    const removed = await api(tokenB, 'POST', 'sandbox-b/routes/remove', { prefixes: ['+49170'] });
    expect(removed.json.prefixes).toEqual({ added: [], removed: ['49170'], unchanged: 0 });
  });

  it('refuses special-purpose ranges outside development', async () => {
    const r = await api(tokenB, 'POST', 'sandbox-b/routes', { ranges: ['192.168.0.0/16'] });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(r.json.message).toMatch(
      /192\.168\.0\.0\/16 is private-use \(RFC 1918\), a special-purpose block/,
    );
  });

  it("refuses a claim on another operator's space with 409 naming it, until an admin approves", async () => {
    const claim = { ranges: ['88.10.0.0/16'] };
    const r = await api(tokenA, 'POST', 'sandbox-a/routes', claim);
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({ status: 409, code: 'ALREADY_EXISTS' });
    expect(r.json.message).toMatch(
      /88\.10\.0\.0\/16 of operator 'sandbox-a' overlaps 88\.0\.0\.0\/11 of operator 'sandbox-b'/,
    );
    const exact = await api(tokenA, 'POST', 'sandbox-a/routes', { ranges: ['88.0.0.0/11'] });
    expect(exact.json.message).toBe(
      "range 88.0.0.0/11 is already registered to operator 'sandbox-b'",
    );

    const approve = await cli('overlaps', 'approve', 'sandbox-a', '88.10.0.0/16', '--note', 'MVNO');
    expect(approve).toMatchObject({ code: 0, stdout: 'approved for sandbox-a: 88.10.0.0/16\n' });
    expect((await cli('overlaps', 'list', '--operator', 'sandbox-a')).stdout).toMatch(
      /sandbox-a\s+range\s+88\.10\.0\.0\/16\s+admin:admin-api\s+MVNO/,
    );
    expect((await api(tokenA, 'POST', 'sandbox-a/routes', claim)).status).toBe(200);
    expect(agg.index.lookupIp('88.10.0.1')?.operator.id).toBe('sandbox-a');
    // The exact duplicate stays refused even with an approval.
    await cli('overlaps', 'approve', 'sandbox-a', '88.0.0.0/11');
    expect(
      (await api(tokenA, 'POST', 'sandbox-a/routes', { ranges: ['88.0.0.0/11'] })).status,
    ).toBe(409);
    expect((await cli('overlaps', 'revoke', 'sandbox-a', '88.0.0.0/11')).code).toBe(0);
  });

  it('answers malformed bodies with 400 and changes nothing', async () => {
    for (const body of [
      '{"ranges":',
      { ranges: 'x' },
      { ranges: ['300.1.0.0/16'] },
      { cidrs: ['88.0.0.0/11'] },
      {},
    ]) {
      const r = await api(tokenA, 'POST', 'sandbox-a/routes', body);
      expect(r.status).toBe(400);
      expect(r.json.code).toBe('INVALID_ARGUMENT');
    }
    expect((await api(tokenA, 'GET', 'sandbox-a/nothing')).status).toBe(404);
  });
});

describe('operator API: profile', () => {
  it('updates its name, scope style, supported APIs and write-only credentials', async () => {
    const r = await api(tokenA, 'PATCH', 'sandbox-a', {
      name: 'Operator A',
      scopeStyle: 'dpv-hash',
      supportedApis: [{ name: 'number-verification', versions: ['v2', 'v0'] }],
      credentials: { method: 'client_secret_basic', clientSecret: 'rotated-secret-value' },
    });
    expect(r.json).toMatchObject({
      name: 'Operator A',
      scopeStyle: 'dpv-hash',
      supportedApis: [{ name: 'number-verification', versions: ['v2', 'v0'] }],
    });
    expect(JSON.stringify(r.json)).not.toContain('rotated-secret-value');
    expect(await agg.operators.credentials('sandbox-a')).toEqual({
      method: 'client_secret_basic',
      clientSecret: 'rotated-secret-value',
    });
  });

  it('sets its own Android carrier ids and operator-token switch (issue 14: its product)', async () => {
    expect((await api(tokenB, 'GET', 'sandbox-b')).json).toMatchObject({
      carrierIds: [],
      operatorToken: false,
    });
    const r = await api(tokenB, 'PATCH', 'sandbox-b', {
      carrierIds: [90001],
      operatorToken: true,
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ carrierIds: [90001], operatorToken: true });
    expect(agg.index.operator('sandbox-b')).toMatchObject({
      carrierIds: [90001],
      operatorToken: true,
    });
    const off = await api(tokenB, 'PATCH', 'sandbox-b', { carrierIds: [], operatorToken: false });
    expect(off.json).toMatchObject({ carrierIds: [], operatorToken: false });
  });

  it.each([
    ['an http issuer', { issuerUrl: 'http://auth.a.example' }, /issuerUrl must be an https URL/],
    ['an http api root', { apiRoot: 'http://api.a.example' }, /apiRoot must be an https URL/],
    [
      'a loopback issuer',
      { issuerUrl: 'https://127.0.0.1:4901' },
      /127\.0\.0\.1 is a loopback or private host/,
    ],
    ['an unreachable issuer', { issuerUrl: 'https://auth.invalid' }, /issuerUrl: cannot reach/],
    [
      'a private api root',
      { apiRoot: 'https://10.0.0.5/camara' },
      /^apiRoot: 10\.0\.0\.5 is a loopback or private host/,
    ],
    [
      'a localhost api root',
      { apiRoot: 'https://localhost:8443' },
      /^apiRoot: localhost is a loopback/,
    ],
    [
      'a link-local api root',
      { apiRoot: 'https://169.254.169.254' },
      /^apiRoot: 169\.254\.169\.254 is a loopback/,
    ],
    [
      'a unique-local IPv6 api root',
      { apiRoot: 'https://[fd00::1]/' },
      /^apiRoot: \[fd00::1\] is a loopback/,
    ],
    // One host check (isForbiddenHost): RFC 6761 names and embedded IPv4 forms were accepted.
    [
      'a localhost. api root (trailing dot)',
      { apiRoot: 'https://localhost.:8443' },
      /^apiRoot: localhost\. is a loopback or private host/,
    ],
    [
      'a name under localhost as api root',
      { apiRoot: 'https://api.localhost' },
      /^apiRoot: api\.localhost is a loopback or private host/,
    ],
    [
      'an IPv4-compatible IPv6 form of 169.254.169.254 as api root',
      { apiRoot: 'https://[::a9fe:a9fe]/camara' },
      /^apiRoot: \[::a9fe:a9fe\] is a loopback or private host/,
    ],
    [
      'a NAT64 form of 10.0.0.5 as issuer',
      { issuerUrl: 'https://[64:ff9b::a00:5]' },
      /^issuerUrl: \[64:ff9b::a00:5\] is a loopback or private host/,
    ],
    [
      'an http routing URL',
      { routingUrl: 'http://a.example/telco-routing/v1/routing' },
      /routingUrl must be an https URL/,
    ],
    [
      'operator tokens without a carrier id',
      { operatorToken: true },
      /^operatorToken: an operator offering operator tokens needs at least one Android carrier id$/,
    ],
    [
      'a carrier id twice',
      { carrierIds: [90001, 90001] },
      /^carrierIds\.1: carrier id 90001 is listed twice$/,
    ],
    ['an admin-only field', { allowInsecureHttp: true }, /Unrecognized key/],
    ['a status change', { status: 'disabled' }, /Unrecognized key/],
  ])('refuses %s and keeps the old values', async (_name, patch, message) => {
    const before = await agg.operators.get('sandbox-a');
    const r = await api(tokenA, 'PATCH', 'sandbox-a', patch);
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('INVALID_ARGUMENT');
    expect(r.json.message).toMatch(message);
    expect(await agg.operators.get('sandbox-a')).toEqual(before);
  });
});

describe('audit trail', () => {
  it('records who changed what, before and after, and `switchboard audit` shows it', async () => {
    const run = await cli('--json', 'audit', '--operator', 'sandbox-a');
    expect(run.code).toBe(0);
    const items = JSON.parse(run.stdout) as Array<{
      actor: string;
      action: string;
      at: string;
      detail: Record<string, unknown>;
    }>;
    const byOperator = items.filter((e) => e.actor.startsWith('operator:sandbox-a/'));
    expect(byOperator.map((e) => e.action)).toEqual(['routes.add', 'operator.update']);
    const update = byOperator[1]!.detail as {
      changed: string[];
      before: { name: string };
      after: { name: string };
    };
    expect(update.changed).toEqual(['name', 'credentials', 'scopeStyle', 'supportedApis']);
    expect([update.before.name, update.after.name]).toEqual(['Sandbox Operator A', 'Operator A']);
    expect(JSON.stringify(items)).not.toContain('rotated-secret-value');
    expect(items.map((e) => e.action)).toContain('overlaps.approve');
    const human = await cli('audit', '--operator', 'sandbox-a', '--since', '1h');
    expect(human.stdout).toMatch(/operator:sandbox-a\/sb-\S+\s+routes\.add\s+sandbox-a/);
    expect((await cli('audit', '--since', 'yesterday-ish')).code).toBe(2);
    const own = await api(tokenA, 'GET', 'sandbox-a/audit');
    expect(
      (own.json.items as Array<{ operatorId: string }>).every((e) => e.operatorId === 'sandbox-a'),
    ).toBe(true);
  });

  // Found by the fuzz suites: PostgreSQL cannot store a year before 4713 BC (it was a 500).
  it('refuses a `since` outside years 1–9999 with 400, for operators and admins alike', async () => {
    for (const since of ['-271821-04-20', '+275760-09-13', '0000-01-01']) {
      const own = await api(tokenA, 'GET', `sandbox-a/audit?since=${encodeURIComponent(since)}`);
      expect(own).toMatchObject({ status: 400, json: { code: 'INVALID_ARGUMENT' } });
      expect(own.json.message).toMatch(/since: not a time/);
      const run = await cli('audit', '--since', since);
      expect(run).toMatchObject({ code: 2, stderr: expect.stringMatching(/since: not a time/) });
    }
  });
});

// Found by the fuzz suite: the namespace outside /operators fell through to a plain-text 404.
it('answers any other path under /operators/v1 with a CAMARA 404', async () => {
  const res = await fetch(`${agg.publicUrl}/operators/v1/routes/remove`, { method: 'POST' });
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({
    status: 404,
    code: 'NOT_FOUND',
    message: 'No such operator API resource.',
  });
});

describe('operator API: claim bounds', () => {
  it.each([
    [
      'an IPv4 range broader than /10',
      { ranges: ['128.0.0.0/3'] },
      /128\.0\.0\.0\/3 .*broader than \/10/,
    ],
    ['an IPv6 range broader than /19', { ranges: ['4000::/2'] }, /4000::\/2 .*broader than \/19/],
    ['a country-code-wide prefix', { prefixes: ['+34'] }, /prefix 34 .*fewer than 4 digits/],
  ])(
    'operators may not claim huge unowned space: %s needs an admin approval (409), then passes',
    async (_name, claim, message) => {
      const r = await api(tokenB, 'POST', 'sandbox-b/routes', claim);
      expect(r.status).toBe(409);
      expect(r.json.code).toBe('INCOMPATIBLE_STATE');
      expect(r.json.message).toMatch(message);
      expect(r.json.message).toMatch(/switchboard overlaps approve sandbox-b/);
      const value = Object.values(claim as Record<string, string[]>)[0]![0]!;
      expect((await cli('overlaps', 'approve', 'sandbox-b', value)).code).toBe(0);
      const approved = await api(tokenB, 'POST', 'sandbox-b/routes', claim);
      expect(approved.status).toBe(200);
      await api(tokenB, 'POST', 'sandbox-b/routes/remove', claim);
      expect((await cli('overlaps', 'revoke', 'sandbox-b', value)).code).toBe(0);
    },
  );

  it('operators may not post more than 10,000 values of a kind in one call (no megabyte audit rows)', async () => {
    const ranges = Array.from({ length: 10_001 }, (_, i) => `100.${64 + (i >> 8)}.${i & 255}.0/24`);
    const before = (await agg.routes.listRanges('sandbox-b')).length;
    const r = await api(tokenB, 'POST', 'sandbox-b/routes', { ranges });
    expect(r.status).toBe(400);
    expect(r.json.message).toBe('ranges must be a list of at most 10000 strings');
    expect((await agg.routes.listRanges('sandbox-b')).length).toBe(before);
  });
});

describe('operator API: a disabled operator', () => {
  it('a disabled operator keeps no operator API: 403 on every call until an admin enables it', async () => {
    const admin = { kind: 'admin', id: 'test' } as const;
    await agg.operators.setStatus('sandbox-b', 'disabled', admin);
    try {
      for (const [method, path, body] of [
        ['GET', 'sandbox-b', undefined],
        ['PATCH', 'sandbox-b', { name: 'Still here' }],
        ['GET', 'sandbox-b/routes', undefined],
        ['POST', 'sandbox-b/routes', { ranges: ['88.64.0.0/16'] }],
        ['GET', 'sandbox-b/audit', undefined],
      ] as const) {
        const r = await api(tokenB, method, path, body);
        expect(r.status).toBe(403);
        expect(r.json).toMatchObject({ code: 'PERMISSION_DENIED' });
        expect(r.json.message).toMatch(/sandbox-b' is disabled/);
      }
      expect((await agg.operators.get('sandbox-b')).name).toBe('Sandbox Operator B');
      expect(agg.index.lookupIp('88.64.0.1')).toBeUndefined();
    } finally {
      await agg.operators.setStatus('sandbox-b', 'active', admin);
    }
    expect((await api(tokenB, 'GET', 'sandbox-b')).status).toBe(200);
  });
});
