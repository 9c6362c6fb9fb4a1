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
