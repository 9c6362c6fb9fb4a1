import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createMetrics, type SwitchboardMetrics } from '../infra/metrics/metrics.js';
import { createUsageRecorder, type UsageRecorder } from '../usage/usage-recorder.js';
import type { UsageRecord } from '../usage/usage-record.js';
import { createProxyTelemetry } from './proxy-telemetry.js';
import { createHarness, type Harness } from '../../test-support/proxy-harness.js';
import {
  droppingOrigin,
  destroyConnection,
  hugeBody,
  hugeHeaders,
  json,
  malformedJson,
  redirect,
  slowHeaders,
  startFakeUpstream,
  tricklingBody,
  type Behaviour,
  type FakeUpstream,
} from '../../test-support/fake-upstream.js';

let opA: FakeUpstream;
let opB: FakeUpstream;
let dead: Awaited<ReturnType<typeof droppingOrigin>>;
let deadRoot: string;
let h: Harness;
let metrics: SwitchboardMetrics;
let usage: UsageRecorder;
let written: UsageRecord[];

const TIMEOUT_MS = 2_000;
const SLOW_MS = 60_000;

const rootA = () => `${opA.origin}/a`;
const rootB = () => `${opB.origin}/b`;

beforeAll(async () => {
  opA = await startFakeUpstream();
  opB = await startFakeUpstream();
  dead = await droppingOrigin();
  deadRoot = `${dead.origin}/dead`;
});
afterAll(async () => {
  await opA.close();
  await opB.close();
  await dead.close();
});
beforeEach(() => {
  opA.received.length = 0;
  opB.received.length = 0;
  opA.behave(json(200, { devicePhoneNumberVerified: true }));
  opB.behave(json(200, { devicePhoneNumberVerified: false }));
  metrics = createMetrics();
  written = [];
  usage = createUsageRecorder({
    sink: { insertBatch: async (records) => void written.push(...records) },
    options: { batchSize: 1_000, flushIntervalMs: 60_000 },
  });
  h = createHarness({
    registeredRoots: { 'op-a': [rootA()], 'op-b': [rootB()], 'op-dead': [deadRoot] },
    // Timeouts far below the slow stand-ins' delays (so a timeout is certain) and far above
    // what a prompt answer takes on a busy machine (so a prompt answer never times out).
    upstream: { headersTimeoutMs: TIMEOUT_MS, responseTimeoutMs: TIMEOUT_MS },
    onComplete: createProxyTelemetry({ metrics, usage }),
  });
  h.verifier.add('tok-a', { operatorId: 'op-a', apiRoot: rootA(), clientId: 'client-1' });
  h.verifier.add('tok-b', { operatorId: 'op-b', apiRoot: rootB(), clientId: 'client-2' });
  h.verifier.add('tok-dead', { operatorId: 'op-dead', apiRoot: deadRoot });
});
afterEach(async () => {
  await usage.close();
  await h.pool.close();
});

const verify = (token: string) =>
  request(h.app)
    .post('/number-verification/v2/verify')
    .set('authorization', `Bearer ${token}`)
    .set('content-type', 'application/json')
    .send('{"phoneNumber":"+34600000000"}');

async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) =>
    Object.entries(labels).every(([k, val]) => v.labels[k] === val),
  );
  return match?.value ?? 0;
}

describe('proxy: operator failures', () => {
  it.each<[string, number, string, Behaviour]>([
    ['slow headers', 504, 'TIMEOUT', slowHeaders(SLOW_MS)],
    ['a trickling body', 504, 'TIMEOUT', tricklingBody(50, SLOW_MS / 50)],
    ['a huge body', 502, 'BAD_GATEWAY', hugeBody(50_000, false)],
    ['malformed JSON', 502, 'BAD_GATEWAY', malformedJson],
    ['64 KiB of headers', 502, 'BAD_GATEWAY', hugeHeaders],
    ['a body that never ends', 502, 'BAD_GATEWAY', hugeBody(5_000_000, false)],
    ['a redirect', 502, 'BAD_GATEWAY', redirect('http://169.254.169.254/')],
    ['a dropped connection', 503, 'UNAVAILABLE', destroyConnection],
  ])('answers %s with %i %s in the CAMARA body', async (_what, status, code, behaviour) => {
    opA.behave(behaviour);
    const res = await verify('tok-a');
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ status, code, message: expect.any(String) });
    expect(await metricValue('switchboard_proxy_upstream_errors_total', { operator: 'op-a' })).toBe(
      1,
    );
  });

  it('answers an operator that is down with 503 UNAVAILABLE', async () => {
    const res = await verify('tok-dead');
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('UNAVAILABLE');
  });

  it("passes an operator's own 500 through unchanged", async () => {
    opA.behave(json(500, { status: 500, code: 'INTERNAL', message: 'operator detail' }));
    const res = await verify('tok-a');
    expect(res.status).toBe(500);
    expect(res.body.message).toBe('operator detail');
  });
});

describe('proxy: circuit breaker per operator', () => {
  it('opens after repeated failures, fails fast while open, and recovers through a probe', async () => {
    opA.behave(json(500, { status: 500, code: 'INTERNAL', message: 'down' }));
    for (let i = 0; i < 3; i += 1) expect((await verify('tok-a')).status).toBe(500);
    expect(h.breaker.state('op-a')).toBe('open');

    const fast = await verify('tok-a');
    expect(fast.status).toBe(503);
    expect(fast.body.code).toBe('UNAVAILABLE');
    expect(Number(fast.headers['retry-after'])).toBeGreaterThan(0);
    expect(opA.received).toHaveLength(3);
    expect(
      await metricValue('switchboard_proxy_upstream_errors_total', { failure: 'circuit-open' }),
    ).toBe(1);

    opA.behave(json(200, { devicePhoneNumberVerified: true }));
    h.advanceClock(10_000);
    const probe = await verify('tok-a');
    expect(probe.status).toBe(200);
    expect(h.breaker.state('op-a')).toBe('closed');
    expect(opA.received).toHaveLength(4);
  });

  it('counts timeouts, not operator 4xx', async () => {
    opA.behave(json(400, { status: 400, code: 'INVALID_ARGUMENT', message: 'x' }));
    for (let i = 0; i < 5; i += 1) await verify('tok-a');
    expect(h.breaker.state('op-a')).toBe('closed');
    opA.behave(slowHeaders(SLOW_MS));
    for (let i = 0; i < 3; i += 1) expect((await verify('tok-a')).status).toBe(504);
    expect(h.breaker.state('op-a')).toBe('open');
  });

  it("leaves a second operator unaffected by the first one's outage", async () => {
    for (let i = 0; i < 4; i += 1) await verify('tok-dead');
    expect(h.breaker.state('op-dead')).toBe('open');
    const res = await verify('tok-b');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ devicePhoneNumberVerified: false });
    expect(h.breaker.state('op-b')).toBe('closed');
  });
});

describe('proxy: metering', () => {
  it('records every call with a verified token; totals equal the calls made', async () => {
    const calls: [string, number][] = [];
    opA.behave(json(200, {}));
    for (let i = 0; i < 7; i += 1) calls.push(['tok-a', (await verify('tok-a')).status]);
    opB.behave(json(404, { status: 404, code: 'NOT_FOUND', message: 'x' }));
    for (let i = 0; i < 5; i += 1) calls.push(['tok-b', (await verify('tok-b')).status]);
    await verify('tok-unknown');
    await usage.flush();

    expect(written).toHaveLength(12);
    expect(written.filter((r) => r.clientId === 'client-1' && r.status === 200)).toHaveLength(7);
    expect(written.filter((r) => r.operatorId === 'op-b' && r.status === 404)).toHaveLength(5);
    expect(written[0]).toMatchObject({
      api: 'number-verification',
      version: 'v2',
      operation: 'verify',
    });
    expect(written.every((r) => r.latencyMs >= 0 && r.correlator.length > 0)).toBe(true);

    const labels = { api: 'number-verification', operation: 'verify' };
    expect(
      await metricValue('switchboard_proxy_requests_total', {
        ...labels,
        operator: 'op-a',
        status: '200',
      }),
    ).toBe(7);
    expect(
      await metricValue('switchboard_proxy_requests_total', {
        ...labels,
        operator: 'op-b',
        status: '404',
      }),
    ).toBe(5);
    expect(
      await metricValue('switchboard_proxy_requests_total', { operator: 'unknown', status: '401' }),
    ).toBe(1);
  });
});
