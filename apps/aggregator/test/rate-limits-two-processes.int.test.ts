import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent, request } from 'undici';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { startAggregator, type Aggregator } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/infra/logging.js';
import { spawnApp, type SpawnedApp } from '../test-support/spawned-app.js';

// Two aggregator processes (this one and a child OS process) on one PostgreSQL database share
// one rate-limit budget through the counter table. PGlite is single-process by nature.
const server = !!process.env.TEST_DATABASE_URL;
const describeOnServer = server ? describe : describe.skip;
if (!server)
  process.stdout.write(
    'rate-limits-two-processes.int.test: skipped on PGlite (one process owns it); runs with TEST_DATABASE_URL\n',
  );

const LIMIT = 10;
const env = {
  HOST: '127.0.0.1',
  PORT: '0',
  ADMIN_PORT: '0',
  SHUTDOWN_GRACE_MS: '100',
  RATE_LIMIT_WINDOW_SECONDS: '86400',
  RATE_LIMIT_SYNC_MS: '50',
  RATE_LIMIT_AUTHORIZE_PER_IP: String(LIMIT),
};
let t: TestDatabase;
let here: Aggregator;
let child: SpawnedApp;
let childPublic: string;
let dataDir: string;
const agent = new Agent({ localAddress: '127.0.33.1' });

beforeAll(async () => {
  if (!server) return;
  t = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-rl2p-'));
  here = await startAggregator(
    loadConfig({ ...env, SWITCHBOARD_DATA_DIR: path.join(dataDir, 'a') }),
    { logger: silentLogger, database: t.db },
  );
  child = spawnApp('apps/aggregator/src/main.ts', {
    ...env,
    DATABASE_URL: t.url,
    SWITCHBOARD_DATA_DIR: path.join(dataDir, 'b'),
    LOG_LEVEL: 'error',
  });
  childPublic = (await child.waitFor(/public API\s+(http:\/\/\S+)/))[1]!;
}, 60_000);

afterAll(async () => {
  await agent.close();
  if (!server) return;
  await child.stop();
  await here.stop();
  await t.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** An authorization request from one device address; counted before it is even validated. */
async function authorize(base: string): Promise<number> {
  const res = await request(`${base}/auth?response_type=code`, { dispatcher: agent });
  await res.body.dump();
  return res.statusCode;
}

async function sharedCount(): Promise<number> {
  const row = (await t.db
    .knex('rate_limit_counters')
    .where('bucket', 'like', 'authorize:ip:%')
    .sum({ total: 'count' })
    .first()) as { total: string | null };
  return Number(row.total ?? 0);
}

/** Waits until both processes' syncs have written what they admitted. */
async function synced(expected: number): Promise<void> {
  const until = Date.now() + 10_000;
  while ((await sharedCount()) !== expected) {
    if (Date.now() > until) throw new Error(`shared count never reached ${expected}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeOnServer('rate limits across two aggregator processes', () => {
  it('one budget: what one process admitted, the other no longer admits', async () => {
    for (let i = 0; i < 6; i += 1) expect(await authorize(here.publicUrl)).not.toBe(429);
    await synced(6);
    let admittedByChild = 0;
    for (let i = 0; i < LIMIT; i += 1) {
      if ((await authorize(childPublic)) === 429) break;
      admittedByChild += 1;
      await synced(6 + admittedByChild);
    }
    expect(admittedByChild).toBe(LIMIT - 6);
    // This process last synced at 6: it may admit one more on that stale view (the ADR's
    // bound: one sync interval), then it knows the total and refuses.
    let admittedAgain = 0;
    for (let i = 0; i < 3; i += 1) {
      if ((await authorize(here.publicUrl)) !== 429) {
        admittedAgain += 1;
        await synced(LIMIT + admittedAgain);
      }
    }
    expect(admittedAgain).toBeLessThanOrEqual(1);
    expect(await sharedCount()).toBeLessThanOrEqual(LIMIT + 1);
  });
});
