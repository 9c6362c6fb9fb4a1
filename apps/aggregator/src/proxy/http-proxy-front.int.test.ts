import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { NV_SCOPES, X_CORRELATOR_PATTERN } from '@switchboard/camara';
import { createHarness, type Harness } from '../../test-support/proxy-harness.js';
import { json, startFakeUpstream, type FakeUpstream } from '../../test-support/fake-upstream.js';

// A valid NV 2.1 verify body: the proxy checks it before forwarding (checkRequestBody).
const NV_BODY = '{"phoneNumber":"+34600000000"}';

describe('proxy in front of the public app', () => {
  let upstream: FakeUpstream;
  let h: Harness;
  let root: string;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    root = `${upstream.origin}/camara/`;
  });
  afterAll(async () => {
    await h.pool.close();
    await upstream.close();
  });
  beforeEach(async () => {
    if (h) await h.pool.close();
    upstream.received.length = 0;
    upstream.behave(
      json(200, { devicePhoneNumberVerified: true }, { 'x-correlator': 'from-operator' }),
    );
    h = createHarness({ registeredRoots: { 'op-a': [root] } });
    h.verifier.add('tok-a', { operatorId: 'op-a', apiRoot: root });
  });

  const verify = (token = 'tok-a') =>
    request(h.app)
      .post('/number-verification/v2/verify')
      .set('authorization', `Bearer ${token}`)
      .set('content-type', 'application/json');

  describe('proxy: forwarding', () => {
    it('forwards method, path under the api root, query and body with the operator token', async () => {
      const res = await request(h.app)
        .post('/number-verification/v2/verify?trace=1&b=%2B')
        .set('authorization', 'Bearer tok-a')
        .set('content-type', 'application/json')
        .send('{"phoneNumber":"+34600000000"}');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ devicePhoneNumberVerified: true });
      const got = upstream.received[0]!;
      expect(got.method).toBe('POST');
      expect(got.url).toBe('/camara/number-verification/v2/verify?trace=1&b=%2B');
      expect(got.body).toBe('{"phoneNumber":"+34600000000"}');
      expect(got.headers.authorization).toBe('Bearer operator-token-for-tok-a');
      expect(got.headers['content-type']).toBe('application/json');
    });

    it('forwards a GET without a body', async () => {
      upstream.behave(json(200, { devicePhoneNumber: '+34600000000' }));
      const res = await request(h.app)
        .get('/number-verification/v2/device-phone-number')
        .set('authorization', 'Bearer tok-a');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ devicePhoneNumber: '+34600000000' });
      expect(upstream.received[0]).toMatchObject({
        method: 'GET',
        url: '/camara/number-verification/v2/device-phone-number',
        body: '',
      });
    });

    it("returns the operator's error status and body unchanged", async () => {
      const body = {
        status: 403,
        code: 'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
        message: 'op says no',
      };
      upstream.behave(json(403, body));
      const res = await verify().send('{"phoneNumber":"+34600000000"}');
      expect(res.status).toBe(403);
      expect(res.body).toEqual(body);
    });

    it('returns content-type and retry-after, nothing else of the operator (the x-correlator is the one it was sent), and is never stored', async () => {
      upstream.behave((req, res) => {
        res.writeHead(429, {
          'content-type': 'application/json; charset=utf-8',
          'x-correlator': 'op-corr',
          'retry-after': '7',
          'cache-control': 'public, max-age=600',
          'set-cookie': 'opsession=1',
          'www-authenticate': 'Bearer realm="operator"',
          'x-echo-authorization': String(req.headers.authorization),
          server: 'operator-gw',
        });
        res.end(JSON.stringify({ status: 429, code: 'TOO_MANY_REQUESTS', message: 'slow down' }));
      });
      const res = await verify().send(NV_BODY);
      expect(res.status).toBe(429);
      expect(res.headers).toMatchObject({
        'content-type': 'application/json; charset=utf-8',
        'x-correlator': upstream.received[0]!.headers['x-correlator'],
        'retry-after': '7',
        'cache-control': 'no-store',
        pragma: 'no-cache',
      });
      for (const name of ['set-cookie', 'www-authenticate', 'x-echo-authorization', 'server']) {
        expect(res.headers[name]).toBeUndefined();
      }
      expect(JSON.stringify(res.headers) + res.text).not.toContain('operator-token-for-tok-a');
    });

    it('drops cookies, hop-by-hop, forwarded and the app authorization headers', async () => {
      await verify()
        .set('cookie', 'session=app')
        .set('x-forwarded-for', '203.0.113.9')
        .set('x-forwarded-host', 'evil.example')
        .set('forwarded', 'for=203.0.113.9')
        .set('proxy-authorization', 'Basic abc')
        .set('te', 'trailers')
        .set('connection', 'keep-alive, x-hop')
        .set('x-hop', '1')
        .set('keep-alive', 'timeout=5')
        .set('upgrade', 'websocket')
        .set('accept', 'application/json')
        .send(NV_BODY);
      const headers = upstream.received[0]!.headers;
      for (const name of [
        'cookie',
        'x-forwarded-for',
        'x-forwarded-host',
        'forwarded',
        'proxy-authorization',
        'te',
        'x-hop',
        'keep-alive',
        'upgrade',
      ]) {
        expect(headers[name]).toBeUndefined();
      }
      expect(headers.authorization).toBe('Bearer operator-token-for-tok-a');
      expect(JSON.stringify(headers)).not.toContain('Bearer tok-a');
      expect(headers.accept).toBe('application/json');
      expect(headers.host).toBe(new URL(upstream.origin).host);
    });

    it('leaves paths outside the catalog to the next handler', async () => {
      expect((await request(h.app).get('/health')).body).toEqual({ status: 'ok' });
      expect((await request(h.app).get('/number-verifications/v2/verify')).body).toEqual({
        fellThrough: true,
      });
      expect(h.verifier.calls).toBe(0);
    });

    // Found by the fuzz suite: an unknown version of a known API fell through to the OIDC
    // provider's plain-text "Not Found" instead of a CAMARA error.
    it('answers an unknown version of a known API with CAMARA 404, before any token check', async () => {
      for (const path of ['/number-verification/v9/verify', '/number-verification']) {
        const res = await request(h.app).post(path);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      }
      expect(h.verifier.calls).toBe(0);
    });
  });

  describe('proxy: x-correlator', () => {
    it('generates one when absent, sends it to the operator and returns it', async () => {
      upstream.behave(json(200, {}));
      const res = await verify().send(NV_BODY);
      const sent = upstream.received[0]!.headers['x-correlator'];
      expect(sent).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers['x-correlator']).toBe(sent);
    });

    it('forwards a valid one unchanged and echoes it on our own errors', async () => {
      upstream.behave(json(200, {}));
      await verify().set('x-correlator', 'abc-123:x/y').send(NV_BODY);
      expect(upstream.received[0]!.headers['x-correlator']).toBe('abc-123:x/y');
      const denied = await verify('nope').set('x-correlator', 'abc-124').send(NV_BODY);
      expect(denied.status).toBe(401);
      expect(denied.headers['x-correlator']).toBe('abc-124');
    });

    it.each(['has space', 'a'.repeat(257), 'quote"'])(
      'refuses %j with 400 INVALID_ARGUMENT',
      async (value) => {
        expect(X_CORRELATOR_PATTERN.test(value)).toBe(false);
        const res = await verify().set('x-correlator', value).send(NV_BODY);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
        expect(res.headers['x-correlator']).toBeUndefined();
        expect(upstream.received).toHaveLength(0);
      },
    );
  });

  describe('proxy: errors Switchboard raises (CAMARA body)', () => {
    const expectError = (res: request.Response, status: number, code: string): void => {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ status, code, message: expect.any(String) });
    };

    it.each([
      ['missing', undefined],
      ['not bearer', 'Basic dXNlcjpwYXNz'],
      ['empty bearer', 'Bearer '],
      ['unknown token', 'Bearer tok-unknown'],
    ])('401 UNAUTHENTICATED for a %s authorization', async (_what, header) => {
      const req = request(h.app)
        .post('/number-verification/v2/verify')
        .set('content-type', 'application/json');
      if (header !== undefined) req.set('authorization', header);
      expectError(await req.send(NV_BODY), 401, 'UNAUTHENTICATED');
      expect(upstream.received).toHaveLength(0);
    });

    it('401 for an expired token, even if the verifier let it through', async () => {
      h.verifier.add('tok-old', {
        operatorId: 'op-a',
        apiRoot: root,
        exp: Math.floor(Date.now() / 1000) - 1,
      });
      expectError(await verify('tok-old').send(NV_BODY), 401, 'UNAUTHENTICATED');
      expect(upstream.received).toHaveLength(0);
    });

    it('403 PERMISSION_DENIED when the token lacks the operation scope', async () => {
      h.verifier.add('tok-verify-only', {
        operatorId: 'op-a',
        apiRoot: root,
        scope: [NV_SCOPES.v2.verify],
      });
      const res = await request(h.app)
        .get('/number-verification/v2/device-phone-number')
        .set('authorization', 'Bearer tok-verify-only');
      expectError(res, 403, 'PERMISSION_DENIED');
      expect((await verify('tok-verify-only').send(NV_BODY)).status).toBe(200);
    });

    it('a v2 scope does not open v0', async () => {
      const res = await request(h.app)
        .post('/number-verification/v0/verify')
        .set('authorization', 'Bearer tok-a')
        .send({});
      expectError(res, 403, 'PERMISSION_DENIED');
    });

    it('404 NOT_FOUND and 405 METHOD_NOT_ALLOWED inside a catalog API', async () => {
      expectError(
        await request(h.app)
          .post('/number-verification/v2/nope')
          .set('authorization', 'Bearer tok-a'),
        404,
        'NOT_FOUND',
      );
      const wrong = await request(h.app)
        .get('/number-verification/v2/verify')
        .set('authorization', 'Bearer tok-a');
      expectError(wrong, 405, 'METHOD_NOT_ALLOWED');
      expect(wrong.headers.allow).toBe('POST');
    });

    it('400 INVALID_ARGUMENT for malformed JSON, and for a body over the limit', async () => {
      expectError(await verify().send('{"phoneNumber":'), 400, 'INVALID_ARGUMENT');
      expectError(await verify().send(''), 400, 'INVALID_ARGUMENT');
      expectError(
        await verify().send(JSON.stringify({ pad: 'x'.repeat(2_000) })),
        400,
        'INVALID_ARGUMENT',
      );
      expect(upstream.received).toHaveLength(0);
    });

    it('415 for a compressed body the operator was never promised', async () => {
      const res = await verify().set('content-encoding', 'gzip').send(NV_BODY);
      expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('401 when the api root in the token is not registered for its operator', async () => {
      h.verifier.add('tok-moved', { operatorId: 'op-a', apiRoot: 'http://127.0.0.1:1/other/' });
      h.verifier.add('tok-cross', { operatorId: 'op-b', apiRoot: root });
      h.verifier.add('tok-file', { operatorId: 'op-a', apiRoot: 'file:///etc/' });
      for (const token of ['tok-moved', 'tok-cross', 'tok-file']) {
        expectError(await verify(token).send(NV_BODY), 401, 'UNAUTHENTICATED');
      }
      expect(upstream.received).toHaveLength(0);
    });

    it('ignores Host and X-Forwarded-Host from the app when routing', async () => {
      upstream.behave(json(200, {}));
      await verify()
        .set('host', 'evil.example:80')
        .set('x-forwarded-host', 'evil.example')
        .send(NV_BODY);
      expect(upstream.received).toHaveLength(1);
    });

    it('500 INTERNAL (no details) when the verifier itself breaks', async () => {
      h.verifier.verify = async () => {
        throw new Error('key store down: secret-detail');
      };
      const res = await verify().send(NV_BODY);
      expectError(res, 500, 'INTERNAL');
      expect(res.text).not.toContain('secret-detail');
    });
  });

  describe('proxy: single use', () => {
    beforeEach(async () => {
      await h.pool.close();
      h = createHarness({ registeredRoots: { 'op-a': [root] }, singleUse: true });
      h.verifier.add('tok-a', { operatorId: 'op-a', apiRoot: root });
    });

    it('accepts a token once, then 401', async () => {
      expect((await verify().send(NV_BODY)).status).toBe(200);
      const again = await verify().send(NV_BODY);
      expect(again.status).toBe(401);
      expect(again.body.code).toBe('UNAUTHENTICATED');
      expect(upstream.received).toHaveLength(1);
    });

    it('503 UNAVAILABLE, nothing forwarded, while spent tokens cannot be checked (database down)', async () => {
      h.jtis.failure = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      const res = await verify().send(NV_BODY);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 503, code: 'UNAVAILABLE', message: expect.any(String) });
      expect(upstream.received).toHaveLength(0);
      h.jtis.failure = undefined;
      expect((await verify().send(NV_BODY)).status).toBe(200);
    });

    it('a request refused for malformed JSON does not burn the token', async () => {
      expect((await verify().send('{oops')).status).toBe(400);
      expect((await verify().send(NV_BODY)).status).toBe(200);
    });
  });
});
