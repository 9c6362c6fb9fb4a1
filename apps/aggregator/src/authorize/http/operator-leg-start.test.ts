import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import type { NestedFlow } from '../flow/nested-flow.js';
import type { InteractionStart, PendingAuthorization } from '../oidc/interaction-gateway.js';
import { createDeviceIpResolver } from '../../infra/http/device-ip.js';
import type { RateLimits, RateSubject } from '../../infra/rate-limit/rate-limits.js';
import { unlimited } from '../../infra/rate-limit/rate-limits.js';
import { createBindingCookies } from './binding-cookie.js';
import { OPERATOR_CALLBACK_PATH } from './flow-router.js';
import { createOperatorLegStart } from './operator-leg-start.js';

const PENDING: PendingAuthorization = {
  uid: 'uid-1',
  clientId: 'app',
  scope: 'openid',
  promptNone: true,
  loginHint: undefined,
  loginHintSigned: false,
};
const BINDING = { interactionUid: 'uid-1', value: 'binding-value', maxAgeSeconds: 600 };
const RESUME = 'http://sb.example/auth/uid-1';

/** A response that keeps its headers, as node's does before they are sent. */
function response(setCookie?: string[]): { res: ServerResponse; cookies: () => string[] } {
  const headers = new Map<string, unknown>(setCookie ? [['set-cookie', setCookie]] : []);
  const res = {
    getHeader: (name: string) => headers.get(name),
    setHeader: (name: string, value: unknown) => void headers.set(name, value),
  } as unknown as ServerResponse;
  return { res, cookies: () => (headers.get('set-cookie') as string[] | undefined) ?? [] };
}

function request(address: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress: address },
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  } as unknown as IncomingMessage;
}

function starter(o: {
  start?: NestedFlow['start'];
  limits?: RateLimits;
  publicUrl?: string;
  trustedProxies?: string[];
}) {
  const devices: Array<string | undefined> = [];
  const flow: NestedFlow = {
    start: async (pending, device) => {
      devices.push(device);
      return o.start
        ? o.start(pending, device)
        : { url: 'http://operator.example/auth?state=s', binding: BINDING };
    },
    complete: async () => ({ kind: 'unknown-state' }),
  };
  const start = createOperatorLegStart({
    flow,
    bindings: createBindingCookies(OPERATOR_CALLBACK_PATH, o.publicUrl ?? 'http://sb.example'),
    deviceIp: createDeviceIpResolver(o.trustedProxies ?? []),
    limits: o.limits ?? unlimited,
  });
  return { start, devices };
}

const at = (req: IncomingMessage, res: ServerResponse, pending = PENDING): InteractionStart => ({
  req,
  res,
  pending,
  returnTo: RESUME,
});

describe('operator leg start (/auth → operator)', () => {
  it('sends the browser to the operator, with the binding cookie: HttpOnly, Lax, callback path only, flow lifetime', async () => {
    const { start } = starter({});
    const { res, cookies } = response();
    expect(await start(at(request('127.10.1.1'), res))).toEqual({
      url: 'http://operator.example/auth?state=s',
    });
    expect(cookies()).toHaveLength(1);
    const cookie = cookies()[0]!;
    expect(cookie).toMatch(/^sb_op_[\w-]{22}=binding-value;/);
    expect(cookie).toMatch(/; Max-Age=600;/);
    expect(cookie).toMatch(/; Path=\/operator-callback;/);
    expect(cookie).toMatch(/; Expires=\w{3}, \d{2} \w{3} \d{4} /);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('makes it Secure, with the __Secure- prefix, when the issuer is https', async () => {
    const { start } = starter({ publicUrl: 'https://sb.example' });
    const { res, cookies } = response();
    await start(at(request('127.10.1.1'), res));
    expect(cookies()[0]).toMatch(/^__Secure-sb_op_[\w-]{22}=binding-value;.*; Secure$/);
  });

  it('adds it to the cookies /auth already set, and names each interaction its own', async () => {
    const names: string[] = [];
    for (const uid of ['uid-1', 'uid-2']) {
      const { start } = starter({
        start: async () => ({ url: 'http://op/', binding: { ...BINDING, interactionUid: uid } }),
      });
      const { res, cookies } = response(['sb_resume=uid; path=/auth/uid']);
      await start(at(request('127.10.1.1'), res, { ...PENDING, uid }));
      expect(cookies()).toHaveLength(2);
      expect(cookies()[0]).toBe('sb_resume=uid; path=/auth/uid');
      names.push(cookies()[1]!.split('=')[0]!);
    }
    expect(names[0]).not.toBe(names[1]);
  });

  it('finds the operator of the address that sent /auth (X-Forwarded-For from a trusted proxy)', async () => {
    const { start, devices } = starter({ trustedProxies: ['127.0.0.1/32'] });
    await start(at(request('127.10.1.1'), response().res));
    await start(at(request('127.0.0.1', '127.20.0.7'), response().res));
    expect(devices).toEqual(['127.10.1.1', '127.20.0.7']);
  });

  it('takes the ipport: login hint only from a signed request object', async () => {
    const { start, devices } = starter({});
    const hinted = { ...PENDING, loginHint: 'ipport:127.20.0.9:4000' };
    await start(at(request('127.10.1.1'), response().res, hinted));
    await start(at(request('127.10.1.1'), response().res, { ...hinted, loginHintSigned: true }));
    expect(devices).toEqual(['127.10.1.1', '127.20.0.9']);
  });

  it('counts each start against the device address, and refuses once it is spent', async () => {
    const seen: Array<[string, RateSubject]> = [];
    let left = 1;
    const limits: RateLimits = {
      ...unlimited,
      check: (endpoint, subject) => {
        seen.push([endpoint, subject]);
        return left-- > 0
          ? { allowed: true }
          : { allowed: false, key: 'interaction:ip', retryAfterSeconds: 42 };
      },
    };
    const { start, devices } = starter({ limits });
    expect(await start(at(request('127.10.1.1'), response().res))).toHaveProperty('url');
    const { res, cookies } = response();
    expect(await start(at(request('127.10.1.1'), res))).toEqual({
      refused: { retryAfterSeconds: 42 },
    });
    expect(seen).toEqual([
      ['interaction', { ip: '127.10.1.1' }],
      ['interaction', { ip: '127.10.1.1' }],
    ]);
    // Refused: no operator flow, no cookie.
    expect(devices).toHaveLength(1);
    expect(cookies()).toEqual([]);
  });

  it('sends a flow that ended at once (no operator for the device) to its resume URL', async () => {
    const { start } = starter({
      start: async () => ({ url: 'http://sb.example/auth/uid-1', binding: undefined }),
    });
    const { res, cookies } = response();
    expect(await start(at(request('127.30.0.9'), res))).toEqual({ url: RESUME });
    expect(cookies()).toEqual([]);
  });

  it('falls back to the resume URL when the interaction vanished under it', async () => {
    const { start } = starter({ start: async () => ({ url: undefined, binding: undefined }) });
    expect(await start(at(request('127.10.1.1'), response().res))).toEqual({ url: RESUME });
  });

  it('lets a database failure through, for the provider to answer temporarily_unavailable', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const { start } = starter({ start: async () => Promise.reject(down) });
    await expect(start(at(request('127.10.1.1'), response().res))).rejects.toBe(down);
  });
});
