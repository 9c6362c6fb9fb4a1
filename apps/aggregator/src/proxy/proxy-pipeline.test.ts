import { describe, expect, it } from '@jest/globals';
import { NV_SCOPES } from '@switchboard/camara';
import { createApiCatalog } from './api-catalog.js';
import { createCircuitBreaker } from './circuit-breaker.js';
import type { ProxyOutcome, ProxyRequest } from './proxy-context.js';
import { PROXY_STEPS, createProxyPipeline } from './proxy-pipeline.js';
import { FakeJtiStore, FakeTokenVerifier } from '../../test-support/proxy-harness.js';
import { unanswered, type UpstreamPool, type UpstreamRequest } from './upstream-pool.js';
import { parseRateLimitConfig } from '../infra/rate-limit/rate-limit-config.js';
import { createRateLimits, type RateLimits } from '../infra/rate-limit/rate-limits.js';

const ROOT = 'https://operator.example/api';

function setup(
  answer: (r: UpstreamRequest) => Promise<{ status: number; body: string }>,
  singleUse = false,
  limits?: RateLimits,
  offersApi?: (operatorId: string, api: string, version: string) => boolean,
) {
  const registered = new Set([ROOT]);
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
  let now = Date.now();
  const breaker = createCircuitBreaker({ failureThreshold: 1, clock: () => now });
  const jtis = new FakeJtiStore();
  const pipeline = createProxyPipeline({
    catalog: createApiCatalog(),
    tokenVerifier: verifier,
    jtiStore: jtis,
    singleUse: () => singleUse,
    isRegisteredApiRoot: (op, root) => op === 'op-a' && registered.has(root),
    upstream,
    breaker,
    onComplete: (o) => outcomes.push(o),
    ...(limits ? { limits } : {}),
    ...(offersApi ? { offersApi } : {}),
  });
  const advance = (ms: number) => void (now += ms);
  return { pipeline, sent, outcomes, breaker, jtis, registered, advance, verifier };
}

const req = (over: Partial<ProxyRequest> = {}): ProxyRequest => ({
  method: 'POST',
  path: '/number-verification/v2/verify',
  query: '',
  headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
  readBody: async () => Buffer.from('{"phoneNumber":"+34600000001"}'),
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
      'checkRequestBody',
      'resolveRoute',
      'checkOperatorOffers',
      'buildUpstreamRequest',
      'spendToken',
      'forwardUpstream',
      'giveBackToken',
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

  it("an API the token's operator does not offer: 422 SERVICE_NOT_APPLICABLE, never forwarded, the token not spent", async () => {
    const asked: string[] = [];
    let offered = false;
    const offers = (op: string, api: string, version: string) => {
      asked.push(`${op} ${api} ${version}`);
      return offered;
    };
    const { pipeline, sent, jtis } = setup(
      async () => ({ status: 200, body: '{"devicePhoneNumberVerified":true}' }),
      true,
      undefined,
      offers,
    );
    const refused = await pipeline.handle(req());
    expect(refused.status).toBe(422);
    expect(JSON.parse(refused.body.toString())).toEqual({
      status: 422,
      code: 'SERVICE_NOT_APPLICABLE',
      message: "The number-verification API (v2) is not available for this subscriber's network.",
    });
    expect(asked).toEqual(['op-a number-verification v2']);
    expect(sent).toHaveLength(0);
    expect(jtis.seen.size).toBe(0);
    offered = true; // the operator declares it: the same token now works
    expect((await pipeline.handle(req())).status).toBe(200);
    expect(sent).toHaveLength(1);
  });

  it('a token the verifier knows verified is not re-read, but the scheme and spaces still are', async () => {
    const { pipeline, sent, verifier } = setup(async () => ({
      status: 200,
      body: '{"devicePhoneNumberVerified":true}',
    }));
    const known: string[] = [];
    Object.assign(verifier, {
      known: (token: string) => (known.push(token), verifier.tokens.get(token)),
    });
    const call = (authorization: string) =>
      pipeline.handle(req({ headers: { authorization, 'content-type': 'application/json' } }));
    expect((await call('bEaReR   tok ')).status).toBe(200);
    expect(verifier.calls).toBe(0); // known: no verify()
    for (const malformed of ['Bearer\ttok', 'Bearertok', 'Bearer tok!', 'Bearer  ']) {
      const res = await call(malformed);
      expect(res.status).toBe(401);
    }
    expect((await call('Bearer tok!')).body.toString()).toContain('malformed');
    expect(sent).toHaveLength(1);
    expect(known).toContain('tok');
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
      req({
        headers: {
          authorization: 'Bearer tok',
          'content-type': 'application/json',
          'x-correlator': 'k-1',
        },
      }),
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

describe('single use spends tokens the call then refuses', () => {
  const ok = { status: 200, body: '{"devicePhoneNumberVerified":true}' };
  const code = (res: { body: Buffer }) =>
    (JSON.parse(res.body.toString()) as { code: string }).code;
  const withBody = (body: string | undefined, contentType = 'application/json') =>
    req({
      headers: { authorization: 'Bearer tok', 'content-type': contentType },
      readBody: async () => (body === undefined ? undefined : Buffer.from(body)),
    });

  it('after a 401 because the api root moved (then restored), the same token still works', async () => {
    const { pipeline, sent, jtis, registered } = setup(async () => ok, true);
    registered.delete(ROOT);
    const moved = await pipeline.handle(req());
    expect(moved.status).toBe(401);
    expect(code(moved)).toBe('UNAUTHENTICATED');
    expect(jtis.seen.size).toBe(0);
    registered.add(ROOT);
    expect((await pipeline.handle(req())).status).toBe(200);
    expect((await pipeline.handle(req())).status).toBe(401);
    expect(sent).toHaveLength(1);
  });

  it.each([
    ['a number too short', '{"phoneNumber":"+1234"}'],
    ['an unknown property', '{"phoneNumber":"+34600000001","extra":1}'],
    ['both properties', `{"phoneNumber":"+34600000001","hashedPhoneNumber":"${'a'.repeat(64)}"}`],
    ['no property', '{}'],
    ['a bad hash', '{"hashedPhoneNumber":"xyz"}'],
    ['no body', undefined],
  ])(
    'after a 400 for %s, answered by the proxy itself, the same token still works',
    async (_what, body) => {
      const { pipeline, sent, jtis } = setup(async () => ok, true);
      const refused = await pipeline.handle(withBody(body, body === undefined ? '' : undefined));
      expect(refused.status).toBe(400);
      expect(code(refused)).toBe('INVALID_ARGUMENT');
      expect(sent).toHaveLength(0);
      expect(jtis.seen.size).toBe(0);
      expect((await pipeline.handle(req())).status).toBe(200);
    },
  );

  it('refuses a verify body that is not application/json with 415, without spending', async () => {
    const { pipeline, sent, jtis } = setup(async () => ok, true);
    const refused = await pipeline.handle(withBody('phoneNumber=%2B34600000001', 'text/plain'));
    expect(refused.status).toBe(415);
    expect(code(refused)).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(sent).toHaveLength(0);
    expect(jtis.seen.size).toBe(0);
  });

  it('checks v0 bodies by NV 0.3.1 rules (the + is optional there)', async () => {
    const { pipeline, sent, verifier } = setup(async () => ok);
    verifier.add('tok', { operatorId: 'op-a', apiRoot: ROOT, scope: [NV_SCOPES.v0.verify] });
    const v0 = (body: string) =>
      pipeline.handle({ ...withBody(body), path: '/number-verification/v0/verify' });
    expect((await v0('{"phoneNumber":"34600000001"}')).status).toBe(200);
    expect((await v0('{"phoneNumber":"34600000001","x":1}')).status).toBe(400);
    expect(sent).toHaveLength(1);
  });

  it.each([
    ['connect', 503, 'UNAVAILABLE'],
    ['timeout', 504, 'TIMEOUT'],
    ['malformed', 502, 'BAD_GATEWAY'],
  ] as const)(
    'after a %s failure (our %i), the same token works once the operator is back',
    async (failure, status, camara) => {
      let down = true;
      const { pipeline, jtis, advance } = setup(async () => {
        if (down) throw unanswered(failure);
        return ok;
      }, true);
      const failed = await pipeline.handle(req());
      expect(failed.status).toBe(status);
      expect(code(failed)).toBe(camara);
      expect(jtis.seen.size).toBe(0);
      // The circuit opened on that failure: a call while it is open fails fast, unspent too.
      const fast = await pipeline.handle(req());
      expect(fast.status).toBe(503);
      expect(jtis.seen.size).toBe(0);
      down = false;
      advance(10_000);
      expect((await pipeline.handle(req())).status).toBe(200);
      expect((await pipeline.handle(req())).status).toBe(401);
    },
  );

  it("the operator's own answer spends the token, a refusal included", async () => {
    const { pipeline, sent } = setup(
      async () => ({ status: 403, body: '{"status":403,"code":"PERMISSION_DENIED"}' }),
      true,
    );
    expect((await pipeline.handle(req())).status).toBe(403);
    expect((await pipeline.handle(req())).status).toBe(401);
    expect(sent).toHaveLength(1);
  });

  it('a token whose use cannot be given back (database down) stays spent, the answer unchanged', async () => {
    let down = true;
    const { pipeline, jtis } = setup(async () => {
      if (down) throw unanswered('connect');
      return ok;
    }, true);
    const original = jtis.giveBack.bind(jtis);
    jtis.giveBack = async () => {
      throw new Error('database unavailable');
    };
    expect((await pipeline.handle(req())).status).toBe(503);
    expect(jtis.seen.size).toBe(1);
    jtis.giveBack = original;
    down = false;
  });
});
