import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { request } from 'undici';
import type { Aggregator } from '../src/app.js';
import { HSTS } from '../src/infra/http/security-headers.js';
import { startTestAggregator } from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// Production serves the CAMARA proxy on node:http in front of express (servers.ts front
// slot): catalog paths never enter an express app, and still get every header the app's
// middleware gives its own answers.
type Handle = (
  this: unknown,
  req: { url?: string; socket?: { localPort?: number } },
  ...rest: unknown[]
) => unknown;
const application = express.application as unknown as { handle: Handle };
const originalHandle = application.handle;
const seenByExpress: string[] = [];

let s: CoreStack;
let behindTls: Aggregator;
let endDrain = () => {};
beforeAll(async () => {
  // Before any app exists: each express app copies `handle` from the prototype when made.
  application.handle = function (req, ...rest) {
    seenByExpress.push(`${req.socket?.localPort} ${req.url}`);
    return originalHandle.call(this, req, ...rest);
  };
  s = await startCoreStack();
  behindTls = await startTestAggregator(
    s.t.db,
    s.agg.issuer,
    { TRUST_PROXY: '127.0.0.0/8', SHUTDOWN_DRAIN_MS: '600' },
    { drainWait: () => new Promise<void>((resolve) => (endDrain = resolve)) },
  );
}, 60_000);
afterAll(async () => {
  application.handle = originalHandle;
  await s.stop();
});

/** A fresh token per call: the sandbox operator's tokens are single use (CAMARA NV). */
async function freshToken(): Promise<string> {
  const { req, params } = await s.authorize('127.10.0.41', s.secretApp, { prompt: 'none' });
  return String((await s.tokenFor(s.secretApp, params!.get('code')!, req.verifier)).body.access_token); // prettier-ignore
}

async function verify(base: string, headers: Record<string, string> = {}, token?: string) {
  token ??= await freshToken();
  const res = await request(`${base}/number-verification/v2/verify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ phoneNumber: '+346001000041' }),
  });
  return { status: res.statusCode, headers: res.headers, body: await res.body.json() };
}

describe('CAMARA proxy on the public listener', () => {
  it('answers without entering express, which still serves every other path', async () => {
    const port = new URL(s.agg.publicUrl).port;
    const byAggregator = () => seenByExpress.filter((seen) => seen.startsWith(`${port} `));
    const before = byAggregator().length;
    const res = await verify(s.agg.publicUrl);
    expect(res).toMatchObject({ status: 200, body: { devicePhoneNumberVerified: true } });
    expect((await request(`${s.agg.publicUrl}/health`)).statusCode).toBe(200);
    // The sign-in before the call went through express; the CAMARA call itself did not.
    const seen = byAggregator().slice(before);
    expect(seen).toContain(`${port} /health`);
    expect(seen.filter((u) => u.includes('/number-verification/'))).toEqual([]);
  });

  it('sends the security headers, with HSTS when a trusted proxy says TLS', async () => {
    const plain = await verify(behindTls.publicUrl);
    expect(plain.status).toBe(200);
    expect(plain.headers['x-frame-options']).toBe('DENY');
    expect(plain.headers['cache-control']).toBe('no-store');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const tls = await verify(behindTls.publicUrl, { 'x-forwarded-proto': 'https' });
    expect(tls.headers['strict-transport-security']).toBe(HSTS);
    // The client's own claim is ignored without TRUST_PROXY.
    const claimed = await verify(s.agg.publicUrl, { 'x-forwarded-proto': 'https' });
    expect(claimed.headers['strict-transport-security']).toBeUndefined();
  });

  it('closes connections of CAMARA answers while draining, and keeps answering', async () => {
    expect((await verify(behindTls.publicUrl)).headers.connection).not.toBe('close');
    const token = await freshToken();
    // Draining begins at once and lasts until the test ends it.
    const stopped = behindTls.stop();
    const during = await verify(behindTls.publicUrl, {}, token);
    expect(during.status).toBe(200);
    expect(during.headers.connection).toBe('close');
    endDrain();
    await stopped;
  });
});
