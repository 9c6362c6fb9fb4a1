import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSandbox } from '@switchboard/operator-sandbox';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import type { Aggregator } from '../src/app.js';
import {
  registerOperators,
  startSandboxes,
  startTestAggregator,
} from '../test-support/core-fixture.js';
import {
  routingTable,
  startFakeRoutingServer,
  type FakeRoutingServer,
} from '../test-support/fake-routing-server.js';
import {
  adminCli,
  callOperatorApi,
  operatorClient,
  operatorToken,
} from '../test-support/operator-client.js';

// Operator onboarding end to end in development mode (OPERATOR_DEV_MODE, loopback ranges):
// the sandbox publishes its GSMA routing table, the operator registers its endpoints through
// /operators/v1 (validated against the real sandbox), an admin syncs with `switchboard routing sync`.
let t: TestDatabase;
let agg: Aggregator;
let sandboxes: RunningSandbox[];
let fake: FakeRoutingServer;
let cli: Awaited<ReturnType<typeof adminCli>>;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  t = await createTestDatabase();
  agg = await startTestAggregator(t.db, undefined, {
    OPERATOR_DEV_MODE: 'true',
    ROUTING_SYNC_INTERVAL_SECONDS: '0',
    ROUTING_SYNC_TIMEOUT_MS: '1000',
  });
  sandboxes = await startSandboxes(agg.issuer);
  await registerOperators(agg, sandboxes[0]!.url, sandboxes[1]!.url);
  fake = await startFakeRoutingServer();
  cli = await adminCli(agg);
  tokenA = await operatorToken(agg, await operatorClient(agg, 'sandbox-a'));
  tokenB = await operatorToken(agg, await operatorClient(agg, 'sandbox-b'));
}, 60_000);
afterAll(async () => {
  await fake.close();
  await Promise.all(sandboxes.map((s) => s.close()));
  await agg.stop();
  await t.destroy();
});

const api = (token: string, method: string, path: string, body?: unknown) =>
  callOperatorApi(agg, token, method, path, body);

/** A discovery document naming the wrong issuer. */
async function lyingIssuer(): Promise<{ url: string; close(): void }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        issuer: 'https://someone-else.example',
        authorization_endpoint: 'x',
        token_endpoint: 'y',
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
}

describe('endpoint validation', () => {
  it('accepts an issuer whose discovery names it; refuses a mismatch and keeps the old values', async () => {
    const a = sandboxes[0]!.url;
    const liar = await lyingIssuer();
    try {
      const before = await agg.operators.get('sandbox-a');
      for (const issuerUrl of [liar.url, `${a}/`, 'http://127.0.0.1:9']) {
        const r = await api(tokenA, 'PATCH', 'sandbox-a', {
          issuerUrl,
          apiRoot: 'http://127.0.0.1:9/api',
        });
        expect(r.status).toBe(400);
        expect(r.json.message).toMatch(/^issuerUrl: /);
        expect(await agg.operators.get('sandbox-a')).toEqual(before);
      }
      const ok = await api(tokenA, 'PATCH', 'sandbox-a', { issuerUrl: a, apiRoot: a });
      expect(ok.status).toBe(200);
    } finally {
      liar.close();
    }
  });

  it('registers a routing URL only when it serves a routing table of this operator', async () => {
    const other = await api(tokenA, 'PATCH', 'sandbox-a', {
      routingUrl: `${sandboxes[1]!.url}/telco-routing/v1/routing`,
    });
    expect(other.status).toBe(400);
    expect(other.json.message).toMatch(/routes to operator 'sandbox-b', not 'sandbox-a'/);
    const r = await api(tokenA, 'PATCH', 'sandbox-a', {
      routingUrl: `${sandboxes[0]!.url}/telco-routing/v1/routing`,
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ routingSync: null });
  });
});

describe('GSMA routing sync with the sandbox', () => {
  it('`switchboard routing sync` applies the published table and prints the diff', async () => {
    const run = await cli('routing', 'sync', 'sandbox-a');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        `sandbox-a: 1 rule(s) from ${sandboxes[0]!.url}/telco-routing/v1/routing`,
        '  + ranges   127.0.0.1/32',
        '  + ranges   ::1/128',
        '  + prefixes 3460',
        '  + networks 99901',
        '',
      ].join('\n'),
    );
    expect(agg.index.lookupIp('::1')?.operator.id).toBe('sandbox-a');
    expect(agg.index.lookupPhoneNumber('+34600000001')?.operator.id).toBe('sandbox-a');
    expect((await cli('routing', 'sync', 'sandbox-a')).stdout).toMatch(/no change/);
    expect((await cli('operators', 'show', 'sandbox-a')).stdout).toMatch(/routing sync\s+ok/);
  });
});

describe('GSMA routing sync: changes and failures', () => {
  const sync = () => cli('--json', 'routing', 'sync', 'sandbox-b');
  const diffOf = async () => {
    const run = await sync();
    expect(run.code).toBe(0);
    return (
      JSON.parse(run.stdout) as { diff: Record<string, { added: string[]; removed: string[] }> }
    ).diff;
  };

  beforeAll(async () => {
    fake.answer({
      table: routingTable('sandbox-b', {
        ipv4: ['127.20.0.0/16', '127.21.0.0/16'],
        msisdnPrefix: ['+491700'],
      }),
    });
    expect((await api(tokenB, 'PATCH', 'sandbox-b', { routingUrl: fake.url })).status).toBe(200);
  });

  it('first sync: adds what is new, keeps what is there', async () => {
    const diff = await diffOf();
    expect(diff.ranges).toEqual({ added: ['127.21.0.0/16'], removed: [], unchanged: 1 });
    expect(diff.prefixes).toEqual({ added: ['491700'], removed: [], unchanged: 0 });
    expect(agg.index.lookupIp('127.21.0.9')?.operator.id).toBe('sandbox-b');
  });

  it('incremental change and removal', async () => {
    fake.answer({
      table: routingTable('sandbox-b', {
        ipv4: ['127.20.0.0/16', '127.22.0.0/16'],
        msisdnPrefix: ['+491700'],
      }),
    });
    expect((await diffOf()).ranges).toEqual({
      added: ['127.22.0.0/16'],
      removed: ['127.21.0.0/16'],
      unchanged: 1,
    });
    fake.answer({ table: routingTable('sandbox-b', { ipv4: ['127.20.0.0/16', '127.22.0.0/16'] }) });
    expect((await diffOf()).prefixes).toEqual({ added: [], removed: ['491700'], unchanged: 0 });
    expect(agg.index.lookupIp('127.21.0.9')).toBeUndefined();
    expect(agg.index.lookupPhoneNumber('+491700001002')).toBeUndefined();
  });

  it.each([
    ['a malformed table', () => fake.answer({ text: '{"oops": true' }), 1, /did not answer JSON/],
    [
      'a table that is not GSMA',
      () => fake.answer({ table: { rules: [] } }),
      1,
      /not a GSMA routing table/,
    ],
    ['an HTTP error', () => fake.answer({ status: 503 }), 1, /answered HTTP 503/],
    [
      "another operator's range",
      () => fake.answer({ table: routingTable('sandbox-b', { ipv4: ['127.10.5.0/24'] }) }),
      2,
      /overlaps 127\.10\.0\.0\/16 of operator 'sandbox-a'/,
    ],
  ])(
    '%s keeps the last good table, and the failure is visible',
    async (_name, arrange, code, message) => {
      arrange();
      const run = await cli('routing', 'sync', 'sandbox-b');
      expect(run.code).toBe(code);
      expect(run.stderr).toMatch(message);
      expect(agg.index.lookupIp('127.22.0.9')?.operator.id).toBe('sandbox-b');
      const shown = (await cli('operators', 'show', 'sandbox-b')).stdout;
      expect(shown).toMatch(/routing sync\s+failed/);
      expect(shown).toMatch(message);
      const metrics = await (await fetch(`${agg.adminUrl}/metrics`)).text();
      expect(metrics).toMatch(
        /switchboard_routing_sync_total\{operator="sandbox-b",result="failed"\} [1-9]/,
      );
    },
  );

  it('an unreachable endpoint keeps the last good table', async () => {
    await fake.close();
    const run = await cli('routing', 'sync', 'sandbox-b');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /cannot reach http:\/\/127\.0\.0\.1:\d+\/telco-routing\/v1\/routing/,
    );
    expect(agg.index.lookupIp('127.22.0.9')?.operator.id).toBe('sandbox-b');
    const state = (await agg.operators.get('sandbox-b')).routingSync!;
    expect(state).toMatchObject({ status: 'failed', consecutiveFailures: 5 });
    expect(state.lastSuccessAt).not.toBeNull();
  });
});
