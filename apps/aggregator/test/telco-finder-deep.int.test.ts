import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import type { RunningSandbox } from '@switchboard/operator-sandbox';
import type { Aggregator } from '../src/app.js';
import {
  finderToken,
  registerFinderClient,
  registerOperators,
  startSandboxes,
  startTestAggregator,
} from '../test-support/core-fixture.js';
import {
  startFakeRoutingServer,
  type FakeRoutingServer,
} from '../test-support/fake-routing-server.js';

// GSMA OPG.10 "MSISDN lookup" over real sockets: a DEEP search asks the Network Id API of the
// sandbox holding the number's prefix, with Switchboard's client-credentials token there, and
// routes the number by the network it answers (config/sandbox.json `portedNumbers`).
const ADMIN = { kind: 'admin', id: 'test' } as const;
let t: TestDatabase;
let agg: Aggregator;
let sandboxes: RunningSandbox[];
let token: string;

async function search(body: unknown) {
  const res = await fetch(`${agg.publicUrl}/telco-finder/v1/search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  t = await createTestDatabase();
  agg = await startTestAggregator(t.db, undefined, { OPERATOR_DEV_MODE: 'true' });
  sandboxes = await startSandboxes(agg.publicUrl);
  const [a, b] = sandboxes as [RunningSandbox, RunningSandbox];
  await registerOperators(agg, a.url, b.url);
  await agg.routes.addPrefixes('sandbox-a', ['+3460'], {}, ADMIN);
  await agg.routes.addPrefixes('sandbox-b', ['+491700'], {}, ADMIN);
  await agg.routes.addNetworks('sandbox-a', ['99901'], ADMIN);
  await agg.routes.addNetworks('sandbox-b', ['99902'], ADMIN);
  await agg.routes.addPrefixes('sandbox-down', ['+3370'], {}, ADMIN);
  await agg.index.refresh();
  token = await finderToken(agg.publicUrl, await registerFinderClient(agg));
}, 60_000);
afterAll(async () => {
  await agg.stop();
  await Promise.all(sandboxes.map((s) => s.close()));
  await t.destroy();
});

describe('GSMA OPG telco finder: DEEP asks the Network Id API of the prefix holder (OPG.10 Network Id API)', () => {
  it('routes a ported number to its real operator; SHALLOW keeps the prefix holder', async () => {
    const target = { phoneNumber: '+34609900001' };
    expect((await search({ target })).json).toEqual({ operatorId: 'sandbox-a' });
    expect((await search({ target, portabilitySearchMode: 'SHALLOW' })).json).toEqual({
      operatorId: 'sandbox-a',
    });
    const deep = await search({ target, portabilitySearchMode: 'DEEP', includeApiRoot: true });
    expect(deep).toEqual({
      status: 200,
      json: { operatorId: 'sandbox-b', apiRoot: sandboxes[1]!.url },
    });
    expect(
      (await search({ target: { phoneNumber: '+4917009900001' }, portabilitySearchMode: 'DEEP' }))
        .json,
    ).toEqual({ operatorId: 'sandbox-a' });
  });

  it('keeps numbers that were not ported with the prefix holder', async () => {
    const r = await search({
      target: { phoneNumber: '+491700000005' },
      portabilitySearchMode: 'DEEP',
    });
    expect(r).toEqual({ status: 200, json: { operatorId: 'sandbox-b' } });
  });

  it('answers 503 UNAVAILABLE when the prefix holder cannot be asked', async () => {
    const r = await search({
      target: { phoneNumber: '+33700000001' },
      portabilitySearchMode: 'DEEP',
    });
    expect([r.status, r.json.code]).toEqual([503, 'UNAVAILABLE']);
    const shallow = await search({ target: { phoneNumber: '+33700000001' } });
    expect(shallow.json).toEqual({ operatorId: 'sandbox-down' });
  });
});

/** A multi-brand operator's own telco finder (second level), on loopback. */
async function startBrandFinder() {
  const calls: Array<{ authorization: string | undefined; body: Record<string, unknown> }> = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { target: { phoneNumber?: string } };
      calls.push({ authorization: req.headers.authorization, body });
      if (req.url !== '/telco-finder/v1/search') return void res.writeHead(404).end();
      const n = body.target.phoneNumber;
      if (n === '+34611000500') return void res.writeHead(500).end();
      if (n !== '+34611000001') return void res.writeHead(404).end('{"status":404}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          operatorId: 'sandbox-a-brand',
          apiRoot: 'https://api.brand.example',
          authProviderConfiguration: 'https://auth.brand.example/.well-known/openid-configuration',
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/telco-finder/v1`,
    calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('GSMA OPG telco finder: dynamic routing rules are followed to the second-level telco finder (OPG.10 Dynamic Routing)', () => {
  let brands: Awaited<ReturnType<typeof startBrandFinder>>;
  let routing: FakeRoutingServer;
  beforeAll(async () => {
    brands = await startBrandFinder();
    routing = await startFakeRoutingServer();
    routing.answer({
      table: [
        {
          ipv4: ['127.10.0.0/16'],
          msisdnPrefix: ['+3460'],
          network: ['99901'],
          static: { operatorId: 'sandbox-a' },
        },
        { msisdnPrefix: ['+34611'], dynamic: { telcoFinder: brands.url } },
      ],
    });
    await agg.operators.update('sandbox-a', { routingUrl: routing.url }, ADMIN);
    const outcome = await agg.selfService.routingSync.sync('sandbox-a', ADMIN);
    expect(outcome.diff.prefixes?.added).toEqual(['34611']);
  });
  afterAll(async () => {
    await Promise.all([brands.close(), routing.close()]);
  });

  it("answers the brand the operator's finder names, asked with Switchboard's token and the same target", async () => {
    const body = {
      target: { phoneNumber: '+34611000001' },
      includeApiRoot: true,
      includeAuthProviderConfiguration: true,
    };
    const r = await search(body);
    expect(r).toEqual({
      status: 200,
      json: {
        operatorId: 'sandbox-a-brand',
        apiRoot: 'https://api.brand.example',
        authProviderConfiguration: 'https://auth.brand.example/.well-known/openid-configuration',
      },
    });
    expect(brands.calls).toHaveLength(1);
    expect(brands.calls[0]!.authorization).toMatch(/^Bearer \S+$/);
    expect(brands.calls[0]!.body).toEqual({ ...body, portabilitySearchMode: 'SHALLOW' });
    // A second search within DYNAMIC_ROUTING_CACHE_SECONDS is answered from the cache.
    expect((await search(body)).json.operatorId).toBe('sandbox-a-brand');
    expect(brands.calls).toHaveLength(1);
    // The rest of the table stays static.
    expect((await search({ target: { phoneNumber: '+34600000001' } })).json).toEqual({
      operatorId: 'sandbox-a',
    });
  });

  it('answers 404 when no brand serves the number, 503 when the finder fails', async () => {
    const missing = await search({ target: { phoneNumber: '+34611000404' } });
    expect([missing.status, missing.json.code]).toEqual([404, 'NOT_FOUND']);
    const failing = await search({ target: { phoneNumber: '+34611000500' } });
    expect([failing.status, failing.json.code]).toEqual([503, 'UNAVAILABLE']);
  });

  it('makes the routes static again when the table drops the dynamic rule', async () => {
    routing.answer({
      table: [
        {
          ipv4: ['127.10.0.0/16'],
          msisdnPrefix: ['+3460', '+34611'],
          network: ['99901'],
          static: { operatorId: 'sandbox-a' },
        },
      ],
    });
    await agg.selfService.routingSync.sync('sandbox-a', ADMIN);
    expect((await search({ target: { phoneNumber: '+34611000500' } })).json).toEqual({
      operatorId: 'sandbox-a',
    });
  });
});
