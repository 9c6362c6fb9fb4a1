import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { startChildAggregator, type ChildAggregator } from '../test-support/child-aggregator.js';
import { startAggregator, type Aggregator } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/infra/logging.js';

// A second aggregator as a real OS process on the same PostgreSQL database: its in-memory index
// must follow changes made here, through LISTEN/NOTIFY only. PGlite is single-process by nature.
const server = !!process.env.TEST_DATABASE_URL;
const describeOnServer = server ? describe : describe.skip;
if (!server)
  process.stdout.write(
    'two-processes.int.test: skipped on PGlite (one process owns it); runs with TEST_DATABASE_URL\n',
  );

let t: TestDatabase;
let here: Aggregator;
let child: ChildAggregator;
let dataDir: string;

beforeAll(async () => {
  if (!server) return;
  t = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-2p-'));
  const env = { HOST: '127.0.0.1', PORT: '0', ADMIN_PORT: '0', SHUTDOWN_GRACE_MS: '100' };
  here = await startAggregator(
    loadConfig({ ...env, SWITCHBOARD_DATA_DIR: path.join(dataDir, 'a') }),
    { logger: silentLogger, database: t.db },
  );
  child = await startChildAggregator({
    databaseUrl: t.url,
    dataDir: path.join(dataDir, 'b'),
  });
}, 60_000);

afterAll(async () => {
  if (!server) return;
  await child.stop();
  await here.stop();
  await t.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const childLookup = (ip: string) => child.lookup(ip);

async function eventually(check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('not reached within 5 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeOnServer('index refresh across two aggregator processes', () => {
  it('the other process sees an added range, a disabled operator and a removal', async () => {
    const admin = { kind: 'admin', id: 'test' } as const;
    await here.operators.create(
      {
        id: 'op-n',
        name: 'N',
        country: 'ES',
        issuerUrl: 'https://n.example',
        apiRoot: 'https://n.example/api',
        clientId: 'sb',
        credentials: { method: 'client_secret_basic', clientSecret: 'a-secret-value' },
      },
      admin,
    );
    expect(await childLookup('100.70.1.1')).toBeUndefined();
    await here.routes.addRanges('op-n', ['100.70.0.0/16'], {}, admin);
    await eventually(async () => (await childLookup('100.70.1.1')) === 'op-n');
    await here.operators.setStatus('op-n', 'disabled', admin);
    await eventually(async () => (await childLookup('100.70.1.1')) === undefined);
    await here.operators.setStatus('op-n', 'active', admin);
    await eventually(async () => (await childLookup('100.70.1.1')) === 'op-n');
    await here.routes.removeRanges(['100.70.0.0/16'], admin);
    await eventually(async () => (await childLookup('100.70.1.1')) === undefined);
  });
});
