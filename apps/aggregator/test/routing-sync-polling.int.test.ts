import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { listAudit } from '@switchboard/telco-finder';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import type { Aggregator } from '../src/app.js';
import { startChildAggregator, type ChildAggregator } from '../test-support/child-aggregator.js';
import { startTestAggregator } from '../test-support/core-fixture.js';
import {
  routingTable,
  startFakeRoutingServer,
  type FakeRoutingServer,
} from '../test-support/fake-routing-server.js';
import { callOperatorApi, operatorClient, operatorToken } from '../test-support/operator-client.js';

// Scheduled GSMA routing sync: each registered table is polled (ROUTING_SYNC_INTERVAL_SECONDS,
// jittered) and applied once. With PostgreSQL, a second aggregator process shares the
// database: only the lease holder polls, and its index follows every change through NOTIFY.
const server = !!process.env.TEST_DATABASE_URL;
const describeOnServer = server ? describe : describe.skip;
if (!server)
  process.stdout.write(
    'routing-sync-polling.int.test: the two-process part is skipped on PGlite (one process owns it); it runs with TEST_DATABASE_URL\n',
  );

const SYNC_ENV = {
  OPERATOR_DEV_MODE: 'true',
  ROUTING_SYNC_INTERVAL_SECONDS: '1',
  ROUTING_SYNC_JITTER: '0.2',
  ROUTING_SYNC_TIMEOUT_MS: '1000',
};
const ADMIN = { kind: 'admin', id: 'test' } as const;
let t: TestDatabase;
let agg: Aggregator;
let fake: FakeRoutingServer;
let stopped = false;

beforeAll(async () => {
  t = await createTestDatabase();
  agg = await startTestAggregator(t.db, undefined, SYNC_ENV);
  fake = await startFakeRoutingServer();
  fake.answer({ table: routingTable('op-p', { ipv4: ['127.50.0.0/16'] }) });
  await agg.operators.create(
    {
      id: 'op-p',
      name: 'Polled',
      country: 'ES',
      issuerUrl: 'http://127.0.0.1:9',
      apiRoot: 'http://127.0.0.1:9',
      clientId: 'sb',
      allowInsecureHttp: true,
      credentials: { method: 'client_secret_basic', clientSecret: 'a-secret-value' },
      routingUrl: fake.url,
    },
    ADMIN,
  );
}, 60_000);
afterAll(async () => {
  if (!stopped) await agg.stop();
  await fake.close();
  await t.destroy();
});

async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}

const syncsOf = async (value: string) =>
  (await listAudit(t.db.knex, { operatorId: 'op-p', limit: 1000 })).filter(
    (e) => e.action === 'routing.sync' && JSON.stringify(e.detail).includes(value),
  );

describe('scheduled routing sync', () => {
  it('polls a registered table, applies each change once, and keeps the last good one', async () => {
    await eventually(() => agg.index.lookupIp('127.50.0.1')?.operator.id === 'op-p');
    fake.answer({ table: routingTable('op-p', { ipv4: ['127.50.0.0/16', '127.51.0.0/16'] }) });
    await eventually(() => agg.index.lookupIp('127.51.0.1')?.operator.id === 'op-p');
    const polls = fake.agents.length;
    await eventually(() => fake.agents.length >= polls + 2);
    expect((await syncsOf('127.51.0.0/16')).length).toBe(1);
    fake.answer({ text: 'garbage' });
    await eventually(
      async () => (await agg.operators.get('op-p')).routingSync?.status === 'failed',
    );
    expect((await agg.operators.get('op-p')).routingSync?.lastError).toMatch(/did not answer JSON/);
    expect(agg.index.lookupIp('127.51.0.1')?.operator.id).toBe('op-p');
  });
});

describeOnServer('two aggregator processes polling one database', () => {
  let child: ChildAggregator;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-poll-'));
    child = await startChildAggregator({ databaseUrl: t.url, dataDir, env: SYNC_ENV });
  }, 60_000);
  afterAll(async () => {
    await child.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const childLookup = (ip: string) => child.lookup(ip);

  it('only the lease holder polls, and each change is applied once and seen by both', async () => {
    fake.answer({ table: routingTable('op-p', { ipv4: ['127.50.0.0/16', '127.52.0.0/16'] }) });
    const from = fake.agents.length;
    await eventually(async () => (await childLookup('127.52.0.1')) === 'op-p');
    await eventually(() => fake.agents.length >= from + 4);
    expect(new Set(fake.agents.slice(from)).size).toBe(1);
    expect((await syncsOf('127.52.0.0/16')).length).toBe(1);
  });

  it("every process's index reflects an operator API change within a second", async () => {
    const token = await operatorToken(agg, await operatorClient(agg, 'op-p'));
    // The operator publishes no routing table any more: its API is the source of truth.
    expect((await callOperatorApi(agg, token, 'PATCH', 'op-p', { routingUrl: null })).status).toBe(
      200,
    );
    const r = await callOperatorApi(agg, token, 'POST', 'op-p/routes', {
      ranges: ['127.53.0.0/16'],
    });
    expect(r.status).toBe(200);
    expect(agg.index.lookupIp('127.53.0.1')?.operator.id).toBe('op-p');
    const ms = await eventually(async () => (await childLookup('127.53.0.1')) === 'op-p', 1_000);
    process.stdout.write(
      `routing-sync-polling.int.test: the other process reflected the change after ${ms} ms\n`,
    );
  });

  it('hands polling over to the other process when the holder stops', async () => {
    const before = new Set(fake.agents);
    await agg.stop();
    stopped = true;
    fake.answer({ table: routingTable('op-p', { ipv4: ['127.54.0.0/16'] }) });
    const res = await child.admin('/operators/op-p', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ routingUrl: fake.url }),
    });
    expect(res.status).toBe(200);
    await eventually(async () => (await childLookup('127.54.0.1')) === 'op-p');
    expect(await childLookup('127.53.0.1')).toBeUndefined();
    expect(fake.agents.some((a) => !before.has(a))).toBe(true);
  });
});
