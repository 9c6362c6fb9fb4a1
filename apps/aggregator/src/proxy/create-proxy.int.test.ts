import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { createMetrics } from '../infra/metrics/metrics.js';
import type { UsageRecord } from '../usage/usage-record.js';
import { createProxy } from './create-proxy.js';
import { parseProxyConfig } from './proxy-config.js';
import { FakeJtiStore, FakeTokenVerifier } from '../../test-support/proxy-harness.js';
import { json, startFakeUpstream, type FakeUpstream } from '../../test-support/fake-upstream.js';

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream(json(503, { status: 503, code: 'UNAVAILABLE', message: 'x' }));
});
afterAll(() => upstream.close());

describe('createProxy', () => {
  it('wires circuit state and usage buffer into the metrics, and flushes usage on close', async () => {
    const metrics = createMetrics();
    const written: UsageRecord[] = [];
    const verifier = new FakeTokenVerifier();
    // NV tokens are single use: one token per call.
    for (let i = 0; i < 3; i += 1)
      verifier.add(`tok${i}`, { operatorId: 'op-a', apiRoot: upstream.origin });
    const proxy = createProxy({
      config: parseProxyConfig({
        CIRCUIT_FAILURE_THRESHOLD: '2',
        USAGE_FLUSH_INTERVAL_MS: '60000',
      }),
      tokenVerifier: verifier,
      jtiStore: new FakeJtiStore(),
      isRegisteredApiRoot: (op, root) => op === 'op-a' && root === upstream.origin,
      metrics,
      usageSink: { insertBatch: async (records) => void written.push(...records) },
    });
    const app = proxy.listener(express());
    for (let i = 0; i < 3; i += 1) {
      await request(app)
        .post('/number-verification/v2/verify')
        .set('authorization', `Bearer tok${i}`)
        .send({ phoneNumber: '+34600000000' });
    }
    const text = await metrics.registry.metrics();
    expect(text).toContain('switchboard_proxy_circuit_state{operator="op-a"} 2');
    expect(text).toContain('switchboard_usage_buffer_depth 3');
    expect(written).toHaveLength(0);
    await proxy.close();
    expect(written.map((r) => r.status)).toEqual([503, 503, 503]);
  });

  it.each([{}, { PROXY_SINGLE_USE_TOKENS: 'true' }])(
    'refuses single use without a jti store (%j)',
    (env) => {
      expect(() =>
        createProxy({
          config: parseProxyConfig(env),
          tokenVerifier: new FakeTokenVerifier(),
          isRegisteredApiRoot: () => true,
        }),
      ).toThrow('single-use tokens need a jtiStore');
    },
  );
});

describe('NV tokens are single use (NV 2.1)', () => {
  let ok: FakeUpstream;
  beforeAll(async () => {
    ok = await startFakeUpstream(json(200, { devicePhoneNumberVerified: true }));
  });
  afterAll(() => ok.close());

  const extraApi = {
    name: 'sim-swap',
    version: 'v1',
    operations: [
      { operation: 'check', method: 'POST', path: '/check', scopes: ['sim-swap:check'] },
    ],
  };

  function proxyWith(env: Record<string, string>) {
    const verifier = new FakeTokenVerifier();
    const proxy = createProxy({
      config: parseProxyConfig({ SWITCHBOARD_PROXY_APIS: JSON.stringify([extraApi]), ...env }),
      tokenVerifier: verifier,
      jtiStore: new FakeJtiStore(),
      isRegisteredApiRoot: (op, root) => op === 'op-a' && root === ok.origin,
    });
    return { verifier, proxy, app: proxy.listener(express()) };
  }

  it('by default an NV token serves one proxied call; the second is 401 UNAUTHENTICATED', async () => {
    const { verifier, proxy, app } = proxyWith({});
    verifier.add('nv', { operatorId: 'op-a', apiRoot: ok.origin });
    const before = ok.received.length;
    const call = () =>
      request(app)
        .post('/number-verification/v2/verify')
        .set('authorization', 'Bearer nv')
        .send({ phoneNumber: '+34600000000' });
    expect((await call()).status).toBe(200);
    const again = await call();
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(ok.received.length - before).toBe(1);
    await proxy.close();
  });

  it('an API not named in PROXY_SINGLE_USE_TOKENS keeps reusable tokens', async () => {
    const { verifier, proxy, app } = proxyWith({});
    verifier.add('ss', { operatorId: 'op-a', apiRoot: ok.origin, scope: ['sim-swap:check'] });
    for (let i = 0; i < 2; i += 1) {
      const res = await request(app)
        .post('/sim-swap/v1/check')
        .set('authorization', 'Bearer ss')
        .send({ phoneNumber: '+34600000000' });
      expect(res.status).toBe(200);
    }
    await proxy.close();
  });

  it('PROXY_SINGLE_USE_TOKENS=sim-swap makes that API single use, and NV reusable', async () => {
    const { verifier, proxy, app } = proxyWith({ PROXY_SINGLE_USE_TOKENS: 'sim-swap' });
    verifier.add('ss', { operatorId: 'op-a', apiRoot: ok.origin, scope: ['sim-swap:check'] });
    verifier.add('nv', { operatorId: 'op-a', apiRoot: ok.origin });
    const ss = () =>
      request(app).post('/sim-swap/v1/check').set('authorization', 'Bearer ss').send({});
    expect((await ss()).status).toBe(200);
    expect((await ss()).status).toBe(401);
    for (let i = 0; i < 2; i += 1) {
      const res = await request(app)
        .post('/number-verification/v2/verify')
        .set('authorization', 'Bearer nv')
        .send({ phoneNumber: '+34600000000' });
      expect(res.status).toBe(200);
    }
    await proxy.close();
  });
});
