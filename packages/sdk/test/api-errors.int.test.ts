import { afterEach, describe, expect, it } from '@jest/globals';
import {
  CamaraApiError,
  TimeoutError,
  createSwitchboardClient,
  hashPhoneNumber,
  type VerificationSession,
} from '../src/index.js';
import { hang, json, startStubIssuer } from '../test-support/stub-issuer.js';

const session: VerificationSession = {
  accessToken: 'stub-token',
  expiresAt: Date.now() + 300_000,
  scope: 'openid dpv:FraudPreventionAndDetection number-verification:verify',
  idTokenClaims: {},
};

describe('CAMARA API errors and timeouts (stub issuer over a real socket)', () => {
  let stub: Awaited<ReturnType<typeof startStubIssuer>> | undefined;
  const clientFor = (url: string, timeoutMs = 2000) =>
    createSwitchboardClient({
      issuer: url,
      clientId: 'app',
      clientSecret: 'secret',
      redirectUri: 'http://127.0.0.1:3998/callback',
      allowInsecureRequests: true,
      timeoutMs,
    });
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });

  it('sends hashedPhoneNumber, a bearer token and an x-correlator UUID', async () => {
    let body = '';
    stub = await startStubIssuer({
      'POST /number-verification/v2/verify': (req, res) => {
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => json(res, 200, { devicePhoneNumberVerified: true }));
      },
    });
    await expect(clientFor(stub.url).verify(session, '+34600000001')).resolves.toBe(true);
    const req = stub.seen.at(-1)!;
    expect(req.headers.authorization).toBe('Bearer stub-token');
    expect(req.headers['x-correlator']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(body)).toEqual({ hashedPhoneNumber: hashPhoneNumber('+34600000001') });
    expect(body).not.toContain('34600000001');
  });

  it('maps a CAMARA error body to CamaraApiError with status, code and correlator', async () => {
    stub = await startStubIssuer({
      'GET /number-verification/v2/device-phone-number': (_req, res) =>
        json(res, 403, {
          status: 403,
          code: 'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
          message: 'not network-based',
        }),
    });
    const err = await clientFor(stub.url)
      .devicePhoneNumber(session, { correlator: 'corr-1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CamaraApiError);
    expect(err).toMatchObject({
      status: 403,
      code: 'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
      correlator: 'corr-1',
    });
  });

  it('keeps the status of a non-CAMARA error page (a proxy answering HTML)', async () => {
    stub = await startStubIssuer({
      'POST /number-verification/v2/verify': (_req, res) =>
        res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>'),
    });
    const err = await clientFor(stub.url)
      .verify(session, '+34600000001')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, code: 'HTTP_502' });
  });

  it('raises TimeoutError with the correlator when the API does not answer', async () => {
    stub = await startStubIssuer({ 'POST /number-verification/v2/verify': hang });
    const started = Date.now();
    const err = await clientFor(stub.url, 200)
      .verify(session, '+34600000001')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: 'TIMEOUT' });
    expect((err as TimeoutError).correlator).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('raises TimeoutError when discovery does not answer, and retries discovery later', async () => {
    let calls = 0;
    stub = await startStubIssuer({
      'GET /.well-known/openid-configuration': (req, res) => {
        calls += 1;
        if (calls === 1) return;
        res.writeHead(503).end();
      },
    });
    const client = clientFor(stub.url, 200);
    const purpose = 'dpv:FraudPreventionAndDetection';
    await expect(client.startVerification({ purpose })).rejects.toBeInstanceOf(TimeoutError);
    await expect(client.startVerification({ purpose })).rejects.not.toBeInstanceOf(TimeoutError);
    expect(calls).toBe(2);
  });
});
