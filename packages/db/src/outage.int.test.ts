import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import { startTcpCutProxy, type TcpCutProxy } from '../test-support/tcp-cut-proxy.js';
import { createDatabase, type Database } from './database.js';
import { isDatabaseUnavailable } from './database-errors.js';

// A database outage, simulated by cutting a TCP relay in front of the PostgreSQL server (the
// real server is never stopped). PGlite has no network connection to lose.
const server = !!process.env.TEST_DATABASE_URL;
const describeOnServer = server ? describe : describe.skip;
if (!server)
  process.stdout.write(
    'outage.int.test: skipped on PGlite (no connection to cut); runs with TEST_DATABASE_URL\n',
  );

let t: TestDatabase;
let relay: TcpCutProxy;
let db: Database;

beforeAll(async () => {
  if (!server) return;
  t = await createTestDatabase();
  const u = new URL(t.url);
  relay = await startTcpCutProxy({ host: u.hostname, port: Number(u.port || 5432) });
  // The outage is deliberate: knex's "Acquire connection error" lines are expected, not news.
  const quiet = { warn() {}, error() {}, deprecate() {}, debug() {} };
  db = await createDatabase(relay.via(t.url), { poolMax: 3, log: quiet });
});
afterAll(async () => {
  if (!server) return;
  await db.close();
  await relay.close();
  await t.destroy();
});

const until = async (check: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; Date.now() < end && !check();)
    await new Promise((r) => setTimeout(r, 50));
  return check();
};

describeOnServer('database outage (PostgreSQL through a cut relay)', () => {
  it('fails queries fast with errors classified as unavailable, and recovers without a restart', async () => {
    await db.knex.raw('SELECT 1');
    await relay.cut();
    const errors = await Promise.all(
      [1, 2, 3, 4].map(() =>
        db.knex.raw('SELECT 1').then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    expect(errors.every((e) => e !== undefined && isDatabaseUnavailable(e))).toBe(true);
    await relay.restore();
    expect((await db.knex.raw('SELECT 1 AS one')).rows[0].one).toBe(1);
  });

  it('classifies a query cut mid-flight as unavailable', async () => {
    const slow = db.knex.raw('SELECT pg_sleep(5)').then(
      () => undefined,
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 200));
    await relay.cut();
    expect(isDatabaseUnavailable(await slow)).toBe(true);
    await relay.restore();
  });

  it('the LISTEN connection reconnects by itself and reports it, then receives again', async () => {
    let reconnects = 0;
    db.onListenerReconnect(() => (reconnects += 1));
    const got: string[] = [];
    await db.listen('sb_outage_test', (p) => got.push(p));
    await relay.cut();
    await new Promise((r) => setTimeout(r, 1_500));
    await relay.restore();
    expect(await until(() => reconnects === 1)).toBe(true);
    await t.db.knex.raw(`SELECT pg_notify('sb_outage_test', 'after')`);
    expect(await until(() => got.includes('after'))).toBe(true);
  });
});
