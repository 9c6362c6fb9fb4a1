import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSandbox } from '@switchboard/operator-sandbox';
import { masterKeyId } from '@switchboard/tokens';
import { runCli } from '@switchboard/cli/test-support';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import type { Aggregator } from '../src/app.js';
import { SEALED_COLUMNS } from '../src/keys/master-key-rotation.js';
import { hashToken } from '../src/admin/admin-tokens.js';
import { insertAdminToken } from '../src/admin/store/admin-token-store.js';
import {
  APP_CALLBACK,
  authorizeUrl,
  redeemCode,
  registerApp,
  registerOperators,
  startSandboxes,
  startTestAggregator,
  type AppClient,
} from '../test-support/core-fixture.js';
import { DeviceBrowser } from '../test-support/device-browser.js';

// `switchboard keys rotate-master` during a rolling change of SWITCHBOARD_MASTER_KEY: A runs on
// the old key, B on new + old, C on the new key alone — all on one database, one issuer.
const OLD = 'old-master-key-for-the-rotation-test-0001';
const NEW = 'new-master-key-for-the-rotation-test-0002';
const ADMIN_TOKEN = 'rotation-test-admin-token-0123456789';
let t: TestDatabase;
let sandboxes: RunningSandbox[];
let secretApp: AppClient;
let keyApp: AppClient;
let issuer: string;
const browsers: DeviceBrowser[] = [];
const running: Aggregator[] = [];

async function start(keys: string[]): Promise<Aggregator> {
  const agg = await startTestAggregator(t.db, running[0]?.issuer, {
    SWITCHBOARD_MASTER_KEY: keys[0]!,
    ...(keys.length > 1 ? { SWITCHBOARD_PREVIOUS_MASTER_KEYS: keys.slice(1).join(',') } : {}),
  });
  running.push(agg);
  return agg;
}

const rewriteTo = (agg: Aggregator) => (u: string) =>
  u.startsWith(issuer) ? `${agg.publicUrl}${u.slice(issuer.length)}` : u;

/** Steps of a flow served by `agg`; stops before the operator when `pauseAtOperator`. */
async function authorizeAt(agg: Aggregator, app: AppClient, device: string, pause = false) {
  const req = authorizeUrl(issuer, app, { prompt: 'none' });
  const browser = new DeviceBrowser(device);
  browsers.push(browser);
  const stopAt = pause ? sandboxes[0]!.url : APP_CALLBACK;
  const first = await browser.follow(req.url, stopAt, rewriteTo(agg));
  const resume = () => browser.follow(first.redirect!.href, APP_CALLBACK, rewriteTo(agg));
  return { req, first, resume };
}

async function tokenAt(agg: Aggregator, app: AppClient, code: string, verifier: string) {
  const res = await redeemCode(`${agg.publicUrl}/token`, issuer, app, code, verifier);
  expect(res.status).toBe(200);
  return String(res.body.access_token);
}

async function fullFlow(agg: Aggregator, app: AppClient, device: string) {
  const { req, first } = await authorizeAt(agg, app, device);
  return tokenAt(agg, app, first.redirect!.searchParams.get('code')!, req.verifier);
}

async function verify(agg: Aggregator, token: string, phoneNumber: string) {
  const res = await fetch(`${agg.publicUrl}/number-verification/v2/verify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ phoneNumber }),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

async function rotateMaster(agg: Aggregator, ...args: string[]) {
  const target = { adminUrl: agg.adminUrl, adminToken: ADMIN_TOKEN };
  const { code, stdout, stderr } = await runCli(target, [
    'keys',
    'rotate-master',
    '--json',
    ...args,
  ]);
  expect(stderr).toBe('');
  return {
    code,
    report: JSON.parse(stdout) as {
      masterKeyId: string;
      columns: Array<{ table: string; scanned: number; resealed: number; failed: string[] }>;
    },
  };
}

/** The master key ids found in every sealed column, read from the raw tables. */
async function sealedUnder(): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const spec of SEALED_COLUMNS) {
    const rows = (await t.db
      .knex(spec.table)
      .whereNotNull(spec.column)
      .pluck(spec.column)) as string[];
    for (const sealed of rows) {
      expect(sealed).toMatch(/^sb1\.[A-Za-z0-9_-]{8}\./);
      ids.add(sealed.split('.')[1]!);
    }
  }
  return ids;
}

beforeAll(async () => {
  t = await createTestDatabase();
  const a = await start([OLD]);
  issuer = a.issuer;
  sandboxes = await startSandboxes(issuer);
  await registerOperators(a, sandboxes[0]!.url, sandboxes[1]!.url);
  secretApp = await registerApp(a, 'secret');
  keyApp = await registerApp(a, 'key');
  await insertAdminToken(t.db.knex, 'rotation test', hashToken(ADMIN_TOKEN));
}, 60_000);

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await Promise.all(sandboxes.map((s) => s.close()));
  for (const agg of running.splice(0)) await agg.stop().catch(() => undefined);
  await t.destroy();
});

describe('keys rotate-master', () => {
  it('re-encrypts every secret under the new key while flows run, then the old key can go', async () => {
    const [a] = running as [Aggregator];
    const issuedBefore = await fullFlow(a, secretApp, '127.10.3.1');
    expect(await sealedUnder()).toEqual(new Set([masterKeyId(OLD)]));

    // Rolling restart onto new + old, then a flow is in flight at the operator while rotating.
    const b = await start([NEW, OLD]);
    await a.stop();
    const inFlight = await authorizeAt(b, keyApp, '127.10.3.2', true);
    expect(inFlight.first.redirect?.href).toContain(sandboxes[0]!.url);
    const [rotated, resumed] = await Promise.all([
      rotateMaster(b, '--batch-size', '2'),
      inFlight.resume(),
    ]);
    expect(rotated.code).toBe(0);
    expect(rotated.report.masterKeyId).toBe(masterKeyId(NEW));
    const by = Object.fromEntries(rotated.report.columns.map((c) => [c.table, c]));
    expect(by.operators).toMatchObject({ scanned: 3, resealed: 3, failed: [] });
    // The private_key_jwt app has only public keys: one secret to re-seal.
    expect(by.clients).toMatchObject({ scanned: 1, resealed: 1, failed: [] });
    expect(by.aggregator_keys).toMatchObject({ scanned: 4, resealed: 4, failed: [] });
    // The OpenID4VP root and leaf created at boot.
    expect(by.openid4vp_keys).toMatchObject({ scanned: 2, resealed: 2, failed: [] });
    expect(by.operator_grants!.resealed).toBeGreaterThanOrEqual(1);
    expect(by.operator_grants!.failed).toEqual([]);
    const code = resumed.redirect!.searchParams.get('code')!;
    const issuedDuring = await tokenAt(b, keyApp, code, inFlight.req.verifier);
    expect(await sealedUnder()).toEqual(new Set([masterKeyId(NEW)]));

    const again = await rotateMaster(b);
    expect(again.report.columns.every((c) => c.resealed === 0)).toBe(true);
    expect(again.report.columns).toHaveLength(6);

    expect((await verify(b, issuedBefore, '+346001003001')).body).toEqual({
      devicePhoneNumberVerified: true,
    });
    expect((await verify(b, issuedDuring, '+346001003002')).body).toEqual({
      devicePhoneNumberVerified: true,
    });

    // The old key is removed: everything still opens (operator credentials, client secrets,
    // the provider's keys at boot, token keys).
    const c = await start([NEW]);
    await b.stop();
    for (const [app, device, number] of [
      [secretApp, '127.10.3.3', '+346001003003'],
      [keyApp, '127.10.3.4', '+346001003004'],
    ] as const) {
      const token = await fullFlow(c, app, device);
      expect((await verify(c, token, number)).body).toEqual({ devicePhoneNumberVerified: true });
    }
  });

  it('refuses a bad batch size with a clear message', async () => {
    const { code, stderr } = await runCli(
      { adminUrl: running.at(-1)!.adminUrl, adminToken: ADMIN_TOKEN },
      ['keys', 'rotate-master', '--batch-size', '0'],
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/--batch-size.*integer from 1 to 10000/);
  });
});
