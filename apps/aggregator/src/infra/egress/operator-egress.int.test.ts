import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  startCountingServer,
  tableResolver,
  type CountingServer,
} from '../../../test-support/guarded-network.js';
import { createOperatorEgress } from './operator-egress.js';

// The egress openid-client uses (customFetch) for an operator's OIDC endpoints, over a real
// socket on loopback. `internal.example` stands for a name DNS points at an internal host.
let target: CountingServer;
beforeAll(async () => {
  target = await startCountingServer('{"ok":true}');
});
afterAll(() => target.close());

const resolve = tableResolver({ 'internal.example': ['127.0.0.1'] });
const egress = createOperatorEgress({ timeoutMs: 2_000, devMode: false, network: { resolve } });
afterAll(() => egress.close());
const sandbox = () => ({
  id: 'sandbox-x',
  issuerUrl: `http://127.0.0.1:${target.port}`,
  apiRoot: `http://127.0.0.1:${target.port}`,
  allowInsecureHttp: true,
});
const get = { headers: {}, method: 'GET', redirect: 'manual' } as const;

describe("operator egress: openid-client's fetch goes through the address guard", () => {
  it('reaches the registered origin of a sandbox an admin marked insecure', async () => {
    const before = target.hits();
    const res = await egress
      .forOperator(sandbox())
      .fetch(`http://127.0.0.1:${target.port}/jwks`, get);
    expect(await res.json()).toEqual({ ok: true });
    expect(target.hits()).toBe(before + 1);
  });

  it.each([
    [
      'a name resolving to loopback',
      () => `http://internal.example:${target.port}/token`,
      /internal\.example resolves to 127\.0\.0\.1, a loopback or private address/,
    ],
    [
      'another port of the same loopback address',
      () => `http://127.0.0.1:${target.port + 1}/token`,
      /127\.0\.0\.1 is a loopback or private host/,
    ],
    [
      'a localhost name',
      () => `http://api.localhost:${target.port}/token`,
      /api\.localhost is a loopback or private host/,
    ],
  ])(
    'refuses %s with a TypeError naming the reason, without connecting',
    async (_what, url, reason) => {
      const before = target.hits();
      const err = await egress
        .forOperator(sandbox())
        .fetch(url(), get)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).toMatch(reason);
      expect((err as Error).message.startsWith(`${url()}: `)).toBe(true);
      expect(target.hits()).toBe(before);
    },
  );

  it('guards every address of an operator not marked insecure, its registered origin included', async () => {
    const secure = egress.forOperator({ ...sandbox(), id: 'secure', allowInsecureHttp: false });
    const err = await secure
      .fetch(`http://127.0.0.1:${target.port}/jwks`, get)
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/127\.0\.0\.1 is a loopback or private host/);
  });

  it('keeps one pool per operator, replaced when its registered endpoints change', () => {
    const first = egress.forOperator(sandbox());
    expect(egress.forOperator(sandbox())).toBe(first);
    const moved = egress.forOperator({ ...sandbox(), issuerUrl: 'https://auth.op.example' });
    expect(moved).not.toBe(first);
    expect(moved.policy.unguarded(new URL(`http://127.0.0.1:${target.port}/`))).toBe(true);
    expect(moved.policy.unguarded(new URL('https://auth.op.example/'))).toBe(false);
  });
});

// openid-client's customFetch is undici's `request` under a WHATWG Response: what
// openid-client reads of it must be what fetch would have given.
describe('operator egress: the fetch openid-client gets behaves as fetch', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ method: string; type: string | undefined; body: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, type: req.headers['content-type'], body });
        if (req.url === '/hang') return; // never answers
        if (req.url === '/empty') return void res.writeHead(204).end();
        res.writeHead(401, {
          'content-type': 'application/json',
          'www-authenticate': 'Bearer error="invalid_token"',
          'set-cookie': ['a=1', 'b=2'],
        });
        res.end('{"error":"invalid_client"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const op = () =>
    egress.forOperator({ ...sandbox(), id: 'fetch', issuerUrl: base, apiRoot: base });

  it('posts a form body as a form, and answers status, headers and body as sent', async () => {
    const res = await op().fetch(`${base}/token`, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c d' }),
      redirect: 'manual',
    });
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await res.json()).toEqual({ error: 'invalid_client' });
    expect(seen.at(-1)).toEqual({
      method: 'POST',
      type: 'application/x-www-form-urlencoded;charset=UTF-8',
      body: 'grant_type=authorization_code&code=c+d',
    });
  });

  it('answers a 204 with no body', async () => {
    const res = await op().fetch(`${base}/empty`, get);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });

  it("rejects with the signal's reason when openid-client's timeout aborts it", async () => {
    const err = await op()
      .fetch(`${base}/hang`, { ...get, signal: AbortSignal.timeout(100) })
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('TimeoutError');
  });

  it('rejects a network failure as fetch does: a TypeError with the cause', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const url = `http://127.0.0.1:${closed}/token`;
    const err = await egress
      .forOperator({ ...sandbox(), id: 'closed', issuerUrl: `http://127.0.0.1:${closed}` })
      .fetch(url, get)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });
});
