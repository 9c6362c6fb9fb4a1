import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { insertCalls, insertSteps, verificationSteps } from '../../test-support/console-rows.js';
import { startConsoleStack, type ConsoleStack } from '../../test-support/console-stack.js';

// The console's data API (docs/console.md) over rows a test writes: verification_steps and
// usage_events as the recorder and the proxy would, audit_log, clients, operators.
let s: ConsoleStack;
const HOUR = 3_600_000;
const now = Date.now();
const hourAgo = new Date(now - HOUR);
const twoHoursAgo = new Date(now - 2 * HOUR);

beforeAll(async () => {
  s = await startConsoleStack();
  await seed();
});
afterAll(() => s.stop());

/** Two clients; sandbox-a and sandbox-b verifications (one failing at the operator), calls. */
async function seed(): Promise<void> {
  const { knex } = s.t.db;
  const ADMIN = { kind: 'admin', id: 'test' } as const;
  await s.agg.operators.create(
    {
      id: 'op-a',
      name: 'Operator A',
      country: 'ES',
      issuerUrl: 'https://op-a.example',
      apiRoot: 'https://api.op-a.example',
      clientId: 'switchboard',
      credentials: { method: 'client_secret_basic', clientSecret: 'op-a-secret-value' },
    },
    ADMIN,
  );
  await s.agg.routes.addRanges('op-a', ['10.0.0.0/8', '11.0.0.0/8'], {}, ADMIN);
  await s.agg.routes.addPrefixes('op-a', ['+3460'], {}, ADMIN);
  await knex('clients').insert([
    {
      id: 'client-one',
      name: 'Bank One',
      auth_method: 'client_secret_basic',
      redirect_uris: JSON.stringify(['https://one.example/cb']),
      secret_enc: 'v1.sealed-secret-never-shown',
    },
    {
      id: 'client-two',
      name: 'Shop Two',
      auth_method: 'client_secret_basic',
      redirect_uris: JSON.stringify(['https://two.example/cb']),
      secret_enc: 'v1.sealed-secret-never-shown',
    },
  ]);
  await insertSteps(knex, [
    ...verificationSteps({
      verificationId: 'v-ok-1',
      clientId: 'client-one',
      operatorId: 'op-a',
      startedAt: twoHoursAgo,
      correlator: 'corr-ok-1',
      tokenJti: 'jti-1',
      traceId: 'trace-1',
    }),
    ...verificationSteps({
      verificationId: 'v-ok-2',
      clientId: 'client-two',
      operatorId: 'op-b',
      startedAt: hourAgo,
      stepMs: 20,
      tokenJti: 'jti-2',
    }),
    ...verificationSteps({
      verificationId: 'v-fail',
      clientId: 'client-one',
      operatorId: 'op-b',
      startedAt: hourAgo,
      failAt: 'operator_token',
      error: 'access_denied: the operator refused the code',
      correlator: 'corr-fail',
    }),
    ...verificationSteps({
      verificationId: 'v-nowhere',
      clientId: 'client-one',
      operatorId: null,
      startedAt: hourAgo,
      failAt: 'telco_finder',
      error: 'access_denied: no operator serves this device',
    }),
  ]);
  await insertCalls(knex, [
    ...[10, 20, 30, 40].map((latencyMs) => ({
      occurredAt: twoHoursAgo,
      clientId: 'client-one',
      operatorId: 'op-a',
      latencyMs,
      tokenJti: 'jti-1',
      correlator: 'call-corr-1',
    })),
    {
      occurredAt: hourAgo,
      clientId: 'client-two',
      operatorId: 'op-b',
      latencyMs: 100,
      status: 502,
      tokenJti: 'jti-2',
      correlator: 'call-corr-2',
    },
    {
      occurredAt: new Date(now - 40 * 86_400_000),
      clientId: 'client-two',
      operatorId: 'op-b',
      latencyMs: 5,
    },
  ]);
}

describe('console data', () => {
  let cookie: string;
  beforeAll(async () => {
    ({ cookie } = await s.signIn());
  });
  const get = (p: string) => s.call(`/console/api${p}`, { cookie });

  it('overview: verifications per hour and operator from the steps, calls and p50/p99 from usage', async () => {
    const a = await get('/overview?hours=24');
    expect(a.status).toBe(200);
    expect(Date.parse(a.json.to) - Date.parse(a.json.from)).toBe(24 * HOUR);
    expect(a.json.totals).toEqual({
      verifications: 4,
      verificationsOk: 2,
      verificationSuccessRate: 0.5,
      calls: 5,
      callsOk: 4,
      callSuccessRate: 0.8,
      p50Ms: 30,
      p99Ms: 97.6,
    });
    const opA = a.json.operators.find((o: { operatorId: string }) => o.operatorId === 'op-a');
    expect(opA).toEqual({
      operatorId: 'op-a',
      verifications: 1,
      verificationsOk: 1,
      calls: 4,
      callsOk: 4,
      p50Ms: 25,
      p99Ms: 39.7,
    });
    const opB = a.json.operators.find((o: { operatorId: string }) => o.operatorId === 'op-b');
    expect(opB).toMatchObject({
      verifications: 2,
      verificationsOk: 1,
      calls: 1,
      callsOk: 0,
      p50Ms: 100,
    });
    const unrouted = a.json.operators.find(
      (o: { operatorId: string | null }) => o.operatorId === null,
    );
    expect(unrouted).toMatchObject({ verifications: 1, verificationsOk: 0, calls: 0 });
    const hourOfA = new Date(Math.floor(twoHoursAgo.getTime() / HOUR) * HOUR).toISOString();
    expect(a.json.series).toContainEqual({
      hour: hourOfA,
      operatorId: 'op-a',
      verifications: 1,
      verificationsOk: 1,
      calls: 4,
      callsOk: 4,
      p50Ms: 25,
      p99Ms: 39.7,
    });
    expect((await get('/overview?hours=0')).status).toBe(400);
    expect((await get('/overview?hours=721')).json).toMatchObject({ error: 'invalid_request' });
  });

  it('operators: status, route counts, circuit, last routing sync, scorecard', async () => {
    await s.t.db.knex('routing_sync_state').insert({
      operator_id: 'op-a',
      status: 'ok',
      last_attempt_at: hourAgo,
      last_success_at: hourAgo,
      next_due_at: new Date(now + HOUR),
    });
    const a = await get('/operators');
    expect(a.status).toBe(200);
    expect(a.json.operators).toHaveLength(1);
    const [op] = a.json.operators;
    expect(op).toMatchObject({
      id: 'op-a',
      name: 'Operator A',
      status: 'active',
      routes: { ipRanges: 2, msisdnPrefixes: 1, networks: 0 },
      circuit: 'closed',
      lastRoutingSync: hourAgo.toISOString(),
    });
    // Issue 13's scorecard over the last 24 h: the four proxied calls of op-a.
    expect(op.scorecard).toMatchObject({
      calls: { count: 4, p50Ms: 25, errorRate: 0 },
      circuitOpenings: 0,
      lastConformance: null,
    });
    expect(a.text).not.toContain('op-a-secret-value');
  });

  it('apps: clients (names only) and usage per day × client × operator × API', async () => {
    const a = await get('/apps');
    expect(a.status).toBe(200);
    expect(a.json.clients).toEqual([
      { clientId: 'client-one', name: 'Bank One' },
      { clientId: 'client-two', name: 'Shop Two' },
    ]);
    const day = (d: Date) => d.toISOString().slice(0, 10);
    expect(a.json.usage).toContainEqual({
      day: day(twoHoursAgo),
      clientId: 'client-one',
      operatorId: 'op-a',
      api: 'number-verification',
      calls: 4,
      callsOk: 4,
    });
    // The call 40 days ago is outside the default 30 days.
    expect(a.json.usage.reduce((n: number, u: { calls: number }) => n + u.calls, 0)).toBe(5);
    expect(a.text).not.toContain('sealed-secret');
  });

  it('apps usage as CSV, optionally one client', async () => {
    const res = await fetch(`${s.agg.adminUrl}/console/api/apps/usage.csv?clientId=client-one`, {
      headers: { cookie },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?switchboard-usage-/,
    );
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('day,client_id,operator_id,api,calls,calls_ok');
    expect(lines.slice(1)).toEqual([
      `${twoHoursAgo.toISOString().slice(0, 10)},client-one,op-a,number-verification,4,4`,
    ]);
  });

  it('audit: newest first, filtered, paged with next', async () => {
    const { knex } = s.t.db;
    await knex('audit_log').insert([
      {
        actor: 'admin:admin-api',
        action: 'operator.create',
        operator_id: 'op-x',
        detail: JSON.stringify({ name: 'X', clientSecret: 'hunter2-secret' }),
      },
      {
        actor: 'admin:admin-api',
        action: 'operator.update',
        operator_id: 'op-x',
        detail: JSON.stringify({ after: { name: 'X2' } }),
      },
      { actor: 'routing-sync', action: 'route.add', operator_id: 'op-y', detail: '{}' },
    ]);
    const first = await get('/audit?operatorId=op-x&limit=1');
    expect(first.json.entries).toHaveLength(1);
    expect(first.json.entries[0]).toMatchObject({
      action: 'operator.update',
      operatorId: 'op-x',
      actor: 'admin:admin-api',
      detail: { after: { name: 'X2' } },
    });
    expect(first.json.next).toBe(first.json.entries[0].id);
    const second = await get(`/audit?operatorId=op-x&limit=1&before=${first.json.next}`);
    expect(second.json.entries[0]).toMatchObject({
      action: 'operator.create',
      detail: { name: 'X', clientSecret: '[redacted]' },
    });
    expect(second.text).not.toContain('hunter2');
    expect(
      (await get('/audit?actor=routing-sync')).json.entries.map(
        (e: { action: string }) => e.action,
      ),
    ).toEqual(['route.add']);
    expect((await get('/audit?action=operator.create&operatorId=op-x')).json).toMatchObject({
      entries: [{ operatorId: 'op-x' }],
      next: null,
    });
  });

  it('verifications: by time window and outcome, and by x-correlator of a step or of a proxied call', async () => {
    const all = await get('/verifications');
    expect(
      all.json.verifications.map((v: { verificationId: string }) => v.verificationId).sort(),
    ).toEqual(['v-fail', 'v-nowhere', 'v-ok-1', 'v-ok-2']);
    const failed = await get('/verifications?outcome=error');
    const fail = failed.json.verifications.find(
      (v: { verificationId: string }) => v.verificationId === 'v-fail',
    );
    expect(fail).toEqual({
      verificationId: 'v-fail',
      clientId: 'client-one',
      operatorId: 'op-b',
      startedAt: hourAgo.toISOString(),
      durationMs: 50,
      outcome: 'error',
      failedStep: 'operator_token',
      error: 'access_denied: the operator refused the code',
    });
    expect(failed.json.verifications).toHaveLength(2);
    expect(
      (await get('/verifications?correlator=corr-fail')).json.verifications.map(
        (v: { verificationId: string }) => v.verificationId,
      ),
    ).toEqual(['v-fail']);
    expect(
      (await get('/verifications?correlator=call-corr-2')).json.verifications.map(
        (v: { verificationId: string }) => v.verificationId,
      ),
    ).toEqual(['v-ok-2']);
    expect((await get('/verifications?correlator=nothing')).json).toEqual({ verifications: [] });
    // A blank filter is no filter.
    expect((await get('/verifications?correlator=&outcome=')).json.verifications).toHaveLength(4);
    expect((await get('/verifications?outcome=ok&outcome=error')).status).toBe(400);
    expect((await get('/verifications?from=nonsense')).status).toBe(400);
  });

  it('one verification: steps with durations, its calls, the trace link', async () => {
    const a = await get('/verifications/v-ok-1');
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({
      verificationId: 'v-ok-1',
      clientId: 'client-one',
      operatorId: 'op-a',
      outcome: 'ok',
      startedAt: twoHoursAgo.toISOString(),
      durationMs: 60,
      traceId: 'trace-1',
      traceUrl: 'https://traces.example/trace/trace-1',
    });
    expect(a.json.steps.map((s: { step: string }) => s.step)).toEqual([
      'authorize',
      'telco_finder',
      'operator_redirect',
      'operator_callback',
      'operator_token',
      'token',
    ]);
    expect(a.json.steps[0]).toEqual({
      step: 'authorize',
      occurredAt: new Date(twoHoursAgo.getTime() + 10).toISOString(),
      durationMs: 10,
      outcome: 'ok',
      error: null,
      correlator: 'corr-ok-1',
    });
    expect(a.json.calls).toHaveLength(4);
    expect(a.json.calls[0]).toEqual({
      occurredAt: expect.any(String),
      api: 'number-verification',
      operation: 'verify',
      status: 200,
      latencyMs: 10,
      correlator: 'call-corr-1',
    });
    expect(a.text).not.toContain('jti-1');
    const failed = await get('/verifications/v-fail');
    expect(failed.json).toMatchObject({
      outcome: 'error',
      traceId: null,
      traceUrl: null,
      calls: [],
    });
    expect(failed.json.steps.at(-1)).toMatchObject({
      step: 'operator_token',
      outcome: 'error',
      error: 'access_denied: the operator refused the code',
    });
  });

  it('an unknown verification is 404, an unknown API path too', async () => {
    const a = await get('/verifications/no-such-verification');
    expect(a.status).toBe(404);
    expect(a.json).toMatchObject({ error: 'not_found' });
    expect((await get('/verifications/%00')).status).toBe(404);
    expect((await get('/nothing-here')).status).toBe(404);
  });

  it('never shows the admin token, a session id or a client secret', async () => {
    const bodies = await Promise.all(
      [
        '/overview',
        '/operators',
        '/apps',
        '/audit',
        '/verifications',
        '/verifications/v-ok-1',
        '/session',
      ].map((p) => get(p)),
    );
    for (const b of bodies) {
      expect(b.status).toBe(200);
      expect(b.text).not.toContain(s.token);
      expect(b.text).not.toContain(cookie.slice('sb_console='.length));
      expect(b.text).not.toContain('sealed-secret');
      expect(b.text).not.toMatch(/\+\d{6,}/);
    }
  });
});
