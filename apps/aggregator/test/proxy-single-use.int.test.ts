import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FRAUD } from '../test-support/core-fixture.js';
import { startCoreStack, type CoreStack } from '../test-support/core-stack.js';

// CAMARA NV 2.1 (camaraproject/NumberVerification, code/API_definitions/number-verification.yaml,
// info.description "The Authentication Request", after PR #226): an access token with NV scopes
// MUST be restricted to a single API call. By default (PROXY_SINGLE_USE_TOKENS names
// number-verification) the proxy records the use only when the call goes to the operator, and
// gives it back when the operator gives no answer: a call refused by Switchboard itself never
// spends the token.
const ADMIN = { kind: 'admin', id: 'test' } as const;
const SCOPE = `openid ${FRAUD} number-verification:verify`;

/**
 * A TCP gate in front of sandbox-a's API: open, it pipes to the operator; closed, it drops
 * every connection (those kept alive included) before a byte reaches the operator.
 */
interface Gate {
  readonly url: string;
  setOpen(open: boolean): void;
  close(): Promise<void>;
}

async function startGate(target: URL): Promise<Gate> {
  let open = true;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setOpen(value) {
      open = value;
      if (!value) for (const s of sockets) s.destroy();
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let s: CoreStack;
let gate: Gate;
beforeAll(async () => {
  s = await startCoreStack();
  gate = await startGate(new URL(s.sandboxes[0]!.url));
  // Before any flow, so every token of sandbox-a carries the gate as its api root.
  await s.agg.operators.update('sandbox-a', { apiRoot: gate.url }, ADMIN);
}, 60_000);
afterAll(async () => {
  await gate.close();
  await s.stop();
});

// sandbox-a identifies 127.10.a.b as +346001 followed by a and b, zero-padded to 3 digits.
let next = 30;
async function deviceToken(): Promise<{ token: string; msisdn: string }> {
  const n = next++;
  const { req, params } = await s.authorize(`127.10.2.${n}`, s.secretApp, {
    prompt: 'none',
    scope: SCOPE,
  });
  const code = params?.get('code');
  if (!code) throw new Error(`no code: ${params?.toString()}`);
  const token = String((await s.tokenFor(s.secretApp, code, req.verifier)).body.access_token);
  return { token, msisdn: `+346001002${String(n).padStart(3, '0')}` };
}

async function verify(token: string, body: unknown) {
  const res = await fetch(`${s.agg.publicUrl}/number-verification/v2/verify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const spentCount = async () =>
  Number((await s.t.db.knex('access_token_uses').count({ n: '*' }).first())?.n);

describe('NV tokens are single use (NV 2.1)', () => {
  it('by default, a proxied NV call spends its token and the second call is 401 UNAUTHENTICATED', async () => {
    const { token, msisdn } = await deviceToken();
    const before = await spentCount();
    expect(await verify(token, { phoneNumber: msisdn })).toEqual({
      status: 200,
      json: { devicePhoneNumberVerified: true },
    });
    expect(await spentCount()).toBe(before + 1);
    const again = await verify(token, { phoneNumber: msisdn });
    expect(again).toEqual({
      status: 401,
      json: {
        status: 401,
        code: 'UNAUTHENTICATED',
        message:
          'Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required.',
      },
    });
  });
});

describe('single use spends tokens the call then refuses', () => {
  it('a token used successfully once is refused the second time', async () => {
    const { token, msisdn } = await deviceToken();
    const first = await verify(token, { phoneNumber: msisdn });
    expect(first).toEqual({ status: 200, json: { devicePhoneNumberVerified: true } });
    const again = await verify(token, { phoneNumber: msisdn });
    expect(again.status).toBe(401);
    expect(again.json).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('after a 401 because the api root moved (then restored), the same token still works', async () => {
    const { token, msisdn } = await deviceToken();
    const before = await spentCount();
    await s.agg.operators.update('sandbox-a', { apiRoot: `${gate.url}/moved` }, ADMIN);
    try {
      const moved = await verify(token, { phoneNumber: msisdn });
      expect(moved.status).toBe(401);
      expect(moved.json).toMatchObject({ code: 'UNAUTHENTICATED' });
    } finally {
      await s.agg.operators.update('sandbox-a', { apiRoot: gate.url }, ADMIN);
    }
    expect(await spentCount()).toBe(before);
    const restored = await verify(token, { phoneNumber: msisdn });
    expect(restored).toEqual({ status: 200, json: { devicePhoneNumberVerified: true } });
  });

  it.each([
    ['a number too short', { phoneNumber: '+1234' }],
    ['an unknown property', { phoneNumber: '+34600000001', extra: 1 }],
  ])('after a 400 for %s, the same token still works', async (_what, body) => {
    const { token, msisdn } = await deviceToken();
    const refused = await verify(token, body);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
    const valid = await verify(token, { phoneNumber: msisdn });
    expect(valid).toEqual({ status: 200, json: { devicePhoneNumberVerified: true } });
  });

  it('after a 503 from an unreachable operator, the same token works once the operator is back', async () => {
    const { token, msisdn } = await deviceToken();
    gate.setOpen(false);
    try {
      const down = await verify(token, { phoneNumber: msisdn });
      expect(down.status).toBe(503);
      expect(down.json).toMatchObject({ status: 503, code: 'UNAVAILABLE' });
    } finally {
      gate.setOpen(true);
    }
    const back = await verify(token, { phoneNumber: msisdn });
    expect(back).toEqual({ status: 200, json: { devicePhoneNumberVerified: true } });
    expect((await verify(token, { phoneNumber: msisdn })).status).toBe(401);
  });
});
