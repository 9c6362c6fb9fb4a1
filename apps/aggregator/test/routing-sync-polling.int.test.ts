import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { listAudit } from '@switchboard/telco-finder';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../../packages/db/test-support/test-database.js';
import type { Aggregator } from '../src/app.js';
import { startTestAggregator } from './core-fixture.js';
import {
  routingTable,
  startFakeRoutingServer,
  type FakeRoutingServer,
} from './fake-routing-server.js';
import { callOperatorApi, operatorClient, operatorToken } from './operator-client.js';

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
  let child: ChildProcess;
  let childAdmin: string;
  const childToken = 'child-admin-token-0123456789abcdef';
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-poll-'));
    child = spawn(process.execPath, ['--import', 'tsx', 'apps/aggregator/src/main.ts'], {
      env: {
        ...process.env,
        ...SYNC_ENV,
        HOST: '127.0.0.1',
        PORT: '0',
        ADMIN_PORT: '0',
        SHUTDOWN_GRACE_MS: '100',
        NODE_OPTIONS: '',
        DATABASE_URL: t.url,
        SWITCHBOARD_DATA_DIR: dataDir,
        SWITCHBOARD_ADMIN_TOKEN: childToken,
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    childAdmin = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`child did not start: ${out}`)), 30_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /admin API\s+(http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
  }, 60_000);
  afterAll(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const childLookup = async (ip: string) => {
    const res = await fetch(`${childAdmin}/admin/v1/lookup?ip=${ip}`, {
      headers: { authorization: `Bearer ${childToken}` },
    });
    return res.status === 200
      ? ((await res.json()) as { operatorId: string }).operatorId
      : undefined;
  };

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
    const res = await fetch(`${childAdmin}/admin/v1/operators/op-p`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${childToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ routingUrl: fake.url }),
    });
    expect(res.status).toBe(200);
    await eventually(async () => (await childLookup('127.54.0.1')) === 'op-p');
    expect(await childLookup('127.53.0.1')).toBeUndefined();
    expect(fake.agents.some((a) => !before.has(a))).toBe(true);
  });
});
