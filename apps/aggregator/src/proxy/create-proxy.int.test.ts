import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { createMetrics } from '../infra/metrics/metrics.js';
import type { UsageRecord } from '../usage/usage-record.js';
import { createProxy } from './create-proxy.js';
import { parseProxyConfig } from './proxy-config.js';
import { FakeTokenVerifier } from '../../test-support/proxy-harness.js';
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
    verifier.add('tok', { operatorId: 'op-a', apiRoot: upstream.origin });
    const proxy = createProxy({
      config: parseProxyConfig({
        CIRCUIT_FAILURE_THRESHOLD: '2',
        USAGE_FLUSH_INTERVAL_MS: '60000',
      }),
      tokenVerifier: verifier,
      isRegisteredApiRoot: (op, root) => op === 'op-a' && root === upstream.origin,
      metrics,
      usageSink: { insertBatch: async (records) => void written.push(...records) },
    });
    const app = proxy.listener(express());
    for (let i = 0; i < 3; i += 1) {
      await request(app)
        .post('/number-verification/v2/verify')
        .set('authorization', 'Bearer tok')
        .send({ phoneNumber: '+34600000000' });
    }
    const text = await metrics.registry.metrics();
    expect(text).toContain('switchboard_proxy_circuit_state{operator="op-a"} 2');
    expect(text).toContain('switchboard_usage_buffer_depth 3');
    expect(written).toHaveLength(0);
    await proxy.close();
    expect(written.map((r) => r.status)).toEqual([503, 503, 503]);
  });

  it('refuses single use without a jti store', () => {
    expect(() =>
      createProxy({
        config: parseProxyConfig({ PROXY_SINGLE_USE_TOKENS: 'true' }),
        tokenVerifier: new FakeTokenVerifier(),
        isRegisteredApiRoot: () => true,
      }),
    ).toThrow('needs a jtiStore');
  });
});
