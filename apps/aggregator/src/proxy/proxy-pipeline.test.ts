import { describe, expect, it } from '@jest/globals';
import { createApiCatalog } from './api-catalog.js';
import { createCircuitBreaker } from './circuit-breaker.js';
import type { ProxyOutcome, ProxyRequest } from './proxy-context.js';
import { PROXY_STEPS, createProxyPipeline } from './proxy-pipeline.js';
import { FakeJtiStore, FakeTokenVerifier } from './test-support/proxy-harness.js';
import type { UpstreamPool, UpstreamRequest } from './upstream-pool.js';
import { parseRateLimitConfig } from '../rate-limit/rate-limit-config.js';
import { createRateLimits, type RateLimits } from '../rate-limit/rate-limits.js';

const ROOT = 'https://operator.example/api';

function setup(
  answer: (r: UpstreamRequest) => Promise<{ status: number; body: string }>,
  singleUse = false,
  limits?: RateLimits,
) {
  const sent: UpstreamRequest[] = [];
  const outcomes: ProxyOutcome[] = [];
  const upstream: UpstreamPool = {
    request: async (r) => {
      sent.push(r);
      const a = await answer(r);
      return {
        status: a.status,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(a.body),
      };
    },
    close: async () => undefined,
  };
  const verifier = new FakeTokenVerifier();
  verifier.add('tok', { operatorId: 'op-a', apiRoot: ROOT });
  const breaker = createCircuitBreaker({ failureThreshold: 1 });
  const pipeline = createProxyPipeline({
    catalog: createApiCatalog(),
    tokenVerifier: verifier,
    jtiStore: new FakeJtiStore(),
    singleUse,
    isRegisteredApiRoot: (op, root) => op === 'op-a' && root === ROOT,
    upstream,
    breaker,
    onComplete: (o) => outcomes.push(o),
    ...(limits ? { limits } : {}),
  });
  return { pipeline, sent, outcomes, breaker };
}

const req = (over: Partial<ProxyRequest> = {}): ProxyRequest => ({
  method: 'POST',
  path: '/number-verification/v2/verify',
  query: '',
  headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
  readBody: async () => Buffer.from('{}'),
  ...over,
});

describe('proxy pipeline (no network)', () => {
  it('is the documented table of steps, in order', () => {
    expect(PROXY_STEPS.map((s) => s.name)).toEqual([
      'checkCorrelator',
      'limitSource',
      'matchOperation',
      'parseBearer',
      'verifyToken',
      'limitClient',
      'checkScope',
      'readJsonBody',
      'checkSingleUse',
      'resolveRoute',
      'buildUpstreamRequest',
      'forwardUpstream',
      'buildResponse',
    ]);
  });

  it('targets the token api root and reports an outcome without any token', async () => {
    const { pipeline, sent, outcomes } = setup(async () => ({
      status: 200,
      body: '{"devicePhoneNumberVerified":true}',
    }));
    const res = await pipeline.handle(req({ query: '?x=1' }));
    expect(res.status).toBe(200);
    expect(`${sent[0]!.origin}${sent[0]!.path}`).toBe(
      'https://operator.example/api/number-verification/v2/verify?x=1',
    );
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ status: 200, clientId: 'client-1', operatorId: 'op-a' });
    expect(JSON.stringify(outcomes[0])).not.toContain('operator-token');
  });

  it('a non-upstream failure while forwarding is a 500 and does not count against the circuit', async () => {
    const { pipeline, breaker } = setup(async () => {
      throw new Error('bug with detail');
    });
    const res = await pipeline.handle(req());
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body.toString())).toMatchObject({ code: 'INTERNAL' });
    expect(res.body.toString()).not.toContain('detail');
    expect(breaker.state('op-a')).toBe('closed');
  });

  it('an operator 5xx counts against the circuit; the next call fails fast', async () => {
    const { pipeline, sent } = setup(async () => ({ status: 502, body: '{}' }));
    expect((await pipeline.handle(req())).status).toBe(502);
    const fast = await pipeline.handle(req());
    expect(fast.status).toBe(503);
    expect(fast.headers['retry-after']).toBe('10');
    expect(sent).toHaveLength(1);
  });

  it('single use: the second call with one token is 401 and never leaves', async () => {
    const { pipeline, sent } = setup(async () => ({ status: 200, body: '{}' }), true);
    expect((await pipeline.handle(req())).status).toBe(200);
    const again = await pipeline.handle(
      req({ headers: { authorization: 'Bearer tok', 'x-correlator': 'k-1' } }),
    );
    expect(again.status).toBe(401);
    expect(again.headers['x-correlator']).toBe('k-1');
    expect(sent).toHaveLength(1);
  });

  it('answers 429 TOO_MANY_REQUESTS with Retry-After per address, then per client, before any upstream call', async () => {
    const limits = createRateLimits(
      parseRateLimitConfig({ RATE_LIMIT_PROXY_PER_IP: '2', RATE_LIMIT_PROXY_PER_CLIENT: '3' }),
      {
        store: { add: async () => new Map(), deleteExpired: async () => undefined },
        clock: () => 30_000,
      },
    );
    const ok = async () => ({ status: 200, body: '{"devicePhoneNumberVerified":true}' });
    const { pipeline, sent } = setup(ok, false, limits);
    try {
      const from = (remoteAddress: string) => pipeline.handle(req({ remoteAddress }));
      expect((await from('10.0.0.1')).status).toBe(200);
      expect((await from('10.0.0.1')).status).toBe(200);
      const byAddress = await from('10.0.0.1');
      expect(byAddress.status).toBe(429);
      expect(byAddress.headers['retry-after']).toBe('30');
      expect(JSON.parse(byAddress.body.toString())).toMatchObject({
        status: 429,
        code: 'TOO_MANY_REQUESTS',
      });
      expect((await from('10.0.0.2')).status).toBe(200);
      const byClient = await from('10.0.0.3');
      expect(byClient.status).toBe(429);
      expect(JSON.parse(byClient.body.toString()).message).toMatch(/this client/);
      expect(sent).toHaveLength(3);
    } finally {
      await limits.stop();
    }
  });
});
