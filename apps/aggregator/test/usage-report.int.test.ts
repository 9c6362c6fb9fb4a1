import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '@switchboard/cli/test-support';
import { hashToken } from '../src/admin/admin-tokens.js';
import { insertAdminToken } from '../src/admin/store/admin-token-store.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// Seed §4.1: every proxied call is metered; the admin report and `switchboard usage`
// count exactly the calls the app made, per day × client × operator × API.
let s: CoreStack;
const adminToken = `sbadm_${randomBytes(24).toString('base64url')}`;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  s = await startCoreStack();
  await insertAdminToken(s.agg.database.knex, 'usage test', hashToken(adminToken));
}, 60_000);
afterAll(() => s.stop());

async function verify(address: string, phoneNumber: string, body: object = {}): Promise<number> {
  const scope = address.startsWith('127.20.')
    ? 'openid dpv:IdentityVerification number-verification:verify'
    : undefined;
  const { req, params } = await s.authorize(address, s.secretApp, {
    prompt: 'none',
    ...(scope ? { scope } : {}),
  });
  const token = await s.tokenFor(s.secretApp, params!.get('code')!, req.verifier);
  const res = await fetch(`${s.agg.publicUrl}/number-verification/v2/verify`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${String(token.body.access_token)}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ phoneNumber, ...body }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function report(query: Record<string, string>) {
  const res = await fetch(`${s.agg.adminUrl}/admin/v1/usage?${new URLSearchParams(query)}`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const cli = (...argv: string[]) => runCli({ adminUrl: s.agg.adminUrl, adminToken }, argv);

interface Row {
  day: string;
  clientId: string;
  operatorId: string;
  api: string;
  calls: number;
  errors: number;
  errorRate: number;
}

describe('usage report after proxied calls', () => {
  beforeAll(async () => {
    const statuses = [
      await verify('127.10.0.5', '+346001000005'),
      await verify('127.10.0.6', '+346001000006'),
      await verify('127.10.0.7', '+346001000007', { extra: 1 }),
      await verify('127.20.1.2', '+491700001002'),
    ];
    expect(statuses).toEqual([200, 200, 400, 200]);
    await s.agg.flushUsage();
  }, 60_000);

  it('counts every call per client × operator × API, errors included', async () => {
    const r = await report({ from: today, to: today, client: s.secretApp.id });
    expect(r.status).toBe(200);
    const rows = r.body.items as Row[];
    const byOperator = Object.fromEntries(rows.map((row) => [row.operatorId, row]));
    expect(byOperator['sandbox-a']).toMatchObject({
      day: today,
      clientId: s.secretApp.id,
      calls: 3,
      errors: 1,
    });
    expect(byOperator['sandbox-a']!.errorRate).toBeCloseTo(1 / 3);
    expect(byOperator['sandbox-b']).toMatchObject({ calls: 1, errors: 0 });
    expect(rows.reduce((n, row) => n + row.calls, 0)).toBe(4);
  });

  it('filters by operator and by client', async () => {
    const a = await report({ from: today, to: today, operator: 'sandbox-b' });
    expect((a.body.items as Row[]).map((row) => [row.operatorId, row.calls])).toEqual([
      ['sandbox-b', 1],
    ]);
    const other = await report({ from: today, to: today, client: s.keyApp.id });
    expect(other.body.items).toEqual([]);
  });

  it('refuses bad dates with 400', async () => {
    for (const q of [
      { from: '2026-02-30', to: today },
      { from: today, to: 'tomorrow' },
      { from: '2026-11-25', to: '2026-11-24' },
    ]) {
      const r = await report(q);
      expect(r.status).toBe(400);
    }
  });

  it('prints the table and the totals with `switchboard usage`, JSON with --json', async () => {
    const run = await cli('usage', '--from', today, '--to', today);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/DAY\s+CLIENT\s+OPERATOR\s+API\s+CALLS\s+ERRORS\s+ERROR RATE\s+P50/);
    expect(run.stdout).toMatch(/sandbox-a\s+number-verification\s+3\s+1\s+33\.3%/);
    expect(run.stdout).toMatch(/total: 4 calls, 1 errors/);
    const json = await cli(
      '--json',
      'usage',
      '--from',
      today,
      '--to',
      today,
      '--operator',
      'sandbox-a',
    );
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { items: Row[] };
    expect(parsed.items.map((row) => row.calls)).toEqual([3]);
  });

  it('exits 2 on bad dates, locally or from the server', async () => {
    expect((await cli('usage', '--from', '25/11/2026', '--to', today)).code).toBe(2);
    expect((await cli('usage', '--from', '2026-02-30', '--to', today)).code).toBe(2);
  });

  it('without --from and --to reports the last 7 days, today (UTC) included', async () => {
    const before = new Date().toISOString().slice(0, 10);
    const run = await cli('usage');
    const after = new Date().toISOString().slice(0, 10);
    expect(run.code).toBe(0);
    const span = /total: 4 calls, 1 errors \((\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})\)/.exec(
      run.stdout,
    );
    expect([before, after]).toContain(span?.[2]);
    expect(Date.parse(span![2]!) - Date.parse(span![1]!)).toBe(6 * 86_400_000);
    expect((await cli('usage', '--to', today)).stdout).toMatch(/total: 4 calls, 1 errors/);
  });
});
