import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createUpstreamPool, isUnanswered, type UpstreamPool } from './upstream-pool.js';
import { refusedPort } from '@switchboard/test-kit/test-support';
import {
  destroyConnection,
  hugeBody,
  json,
  malformedHttp,
  redirect,
  sequence,
  slowHeaders,
  startFakeUpstream,
  tricklingBody,
  type FakeUpstream,
} from '../../test-support/fake-upstream.js';

let upstream: FakeUpstream;
let pool: UpstreamPool;

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(() => upstream.close());
afterEach(async () => {
  await pool.close();
  upstream.received.length = 0;
});

const call = (method: string, path = '/x', body?: string) =>
  pool.request({
    operatorId: 'op-test',
    origin: upstream.origin,
    path,
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : Buffer.from(body),
  });

async function failure(
  promise: Promise<unknown>,
): Promise<{ failure: string; status: number; code: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isUnanswered(err)) throw new Error(`expected an UnansweredCall, got ${String(err)}`);
  return { failure: err.failure, status: err.status, code: err.code };
}

describe('upstream pool', () => {
  it('returns any operator status with its body and headers, query included', async () => {
    pool = createUpstreamPool();
    upstream.behave(json(403, { code: 'PERMISSION_DENIED' }, { 'x-correlator': 'c1' }));
    const res = await call('POST', '/nv/verify?a=1', '{}');
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body.toString())).toEqual({ code: 'PERMISSION_DENIED' });
    expect(res.headers['x-correlator']).toBe('c1');
    expect(upstream.received[0]).toMatchObject({
      method: 'POST',
      url: '/nv/verify?a=1',
      body: '{}',
    });
  });

  it('keeps connections alive: sequential calls share at most two sockets', async () => {
    pool = createUpstreamPool();
    const ports = new Set<number | undefined>();
    upstream.behave((req, res) => {
      ports.add(req.socket.remotePort);
      json(200, {})(req, res, '');
    });
    for (let i = 0; i < 10; i += 1) await call('GET');
    // undici dispatches the next call just before the previous one is marked free.
    expect(ports.size).toBeLessThanOrEqual(2);
  });

  it('maps a refused connection to 503 UNAVAILABLE', async () => {
    pool = createUpstreamPool();
    const refused = await refusedPort();
    try {
      const result = await failure(
        pool.request({
          operatorId: 'op-test',
          origin: refused.origin,
          path: '/x',
          method: 'GET',
          headers: {},
          body: undefined,
        }),
      );
      expect(result).toEqual({ failure: 'connect', status: 503, code: 'UNAVAILABLE' });
    } finally {
      await refused.release();
    }
  });

  it('maps slow response headers to 504 TIMEOUT', async () => {
    pool = createUpstreamPool({ headersTimeoutMs: 100 });
    upstream.behave(slowHeaders(1_000));
    const started = Date.now();
    expect(await failure(call('GET'))).toMatchObject({
      failure: 'timeout',
      code: 'TIMEOUT',
      status: 504,
    });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('maps a body that trickles past the response deadline to 504 TIMEOUT', async () => {
    pool = createUpstreamPool({ responseTimeoutMs: 300 });
    upstream.behave(tricklingBody(50, 1_000));
    expect(await failure(call('GET'))).toMatchObject({ failure: 'timeout', code: 'TIMEOUT' });
  });

  it.each([true, false])(
    'refuses a body over the size bound with 502 (content-length declared: %s)',
    async (declared) => {
      pool = createUpstreamPool({ maxResponseBytes: 10_000 });
      upstream.behave(hugeBody(200_000, declared));
      expect(await failure(call('GET'))).toMatchObject({
        failure: 'too-large',
        code: 'BAD_GATEWAY',
        status: 502,
      });
    },
  );

  it('maps a malformed HTTP answer to 502 BAD_GATEWAY', async () => {
    pool = createUpstreamPool();
    upstream.behave(malformedHttp);
    expect(await failure(call('GET'))).toMatchObject({ failure: 'malformed', code: 'BAD_GATEWAY' });
  });

  it('does not follow redirects: 502 BAD_GATEWAY, one request only', async () => {
    pool = createUpstreamPool();
    upstream.behave(redirect(`${upstream.origin}/elsewhere`));
    expect(await failure(call('GET'))).toMatchObject({ failure: 'redirect', code: 'BAD_GATEWAY' });
    expect(upstream.received.map((r) => r.url)).toEqual(['/x']);
  });

  it('retries a GET once when the connection is reset', async () => {
    pool = createUpstreamPool();
    upstream.behave(sequence(destroyConnection, json(200, { second: true })));
    const res = await call('GET');
    expect(res.status).toBe(200);
    expect(upstream.received).toHaveLength(2);
  });

  it('never retries a POST: 503 after one attempt', async () => {
    pool = createUpstreamPool();
    upstream.behave(sequence(destroyConnection, json(200, { second: true })));
    expect(await failure(call('POST', '/x', '{}'))).toMatchObject({ code: 'UNAVAILABLE' });
    expect(upstream.received).toHaveLength(1);
  });

  it('gives up on a GET after the one retry', async () => {
    pool = createUpstreamPool();
    upstream.behave(destroyConnection);
    expect(await failure(call('GET'))).toMatchObject({ code: 'UNAVAILABLE' });
    expect(upstream.received).toHaveLength(2);
  });
});
