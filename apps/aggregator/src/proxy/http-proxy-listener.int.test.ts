import { describe, expect, it } from '@jest/globals';
import type { RequestListener } from 'node:http';
import request from 'supertest';
import { createApiCatalog } from './api-catalog.js';
import { splitTarget } from './http-proxy-io.js';
import { createProxyListener } from './http-proxy-listener.js';
import type { ProxyRequest } from './proxy-context.js';
import type { ProxyPipeline } from './proxy-pipeline.js';
import { HSTS } from '../infra/http/security-headers.js';

const fallback: RequestListener = (_req, res) => {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"fellThrough":true}');
};

function listener(pipeline: ProxyPipeline, onError?: (err: unknown) => void) {
  return createProxyListener(
    {
      catalog: createApiCatalog(),
      pipeline,
      securityHeaders: () => ({ 'x-frame-options': 'DENY', 'strict-transport-security': HSTS }),
      ...(onError ? { onError } : {}),
    },
    fallback,
  );
}

describe('proxy front on node:http', () => {
  // Absolute-form (RFC 9112 §3.2.2) loses its authority and a fragment is dropped, as express does.
  it.each([
    ['/number-verification/v2/verify?a=1', '/number-verification/v2/verify', '?a=1'],
    [
      'http://evil.example:81/number-verification/v2/verify?a=1#x',
      '/number-verification/v2/verify',
      '?a=1',
    ],
    ['/number-verification/v2/verify#frag?x', '/number-verification/v2/verify', ''],
    ['*', '*', ''],
  ])('reads the target %s as path and query', (target, path, query) => {
    expect(splitTarget(target)).toEqual({ path, query });
  });

  it("sends the pipeline's answer with the request's security headers; other paths fall through", async () => {
    const seen: ProxyRequest[] = [];
    const app = listener({
      handle: async (req) => {
        seen.push(req);
        return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') }; // prettier-ignore
      },
    });
    const res = await request(app).post('/number-verification/v2/verify?q=1').send({});
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toBe(HSTS);
    expect(seen.map((r) => `${r.path} ${r.query}`)).toEqual(['/number-verification/v2/verify ?q=1']); // prettier-ignore
    expect((await request(app).get('/health')).body).toEqual({ fellThrough: true });
  });

  it('answers a CAMARA 500 and reports the error when the answer cannot be sent', async () => {
    const errors: unknown[] = [];
    const app = listener(
      {
        // A header value Node refuses to write: sending throws before anything went out.
        handle: async () => ({ status: 200, headers: { 'x-bad': 'a\nb' }, body: Buffer.from('{}') }), // prettier-ignore
      },
      (err) => errors.push(err),
    );
    const res = await request(app).post('/number-verification/v2/verify').send({});
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ status: 500, code: 'INTERNAL', message: expect.any(String) });
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(errors).toHaveLength(1);
  });
});
