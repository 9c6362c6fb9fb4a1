import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import type { NestedFlow } from '../flow/nested-flow.js';
import type { AuthorizationGateway, PendingAuthorization } from '../oidc/interaction-gateway.js';
import { createDeviceIpResolver } from '../../infra/http/device-ip.js';
import { createFlowRouter } from './flow-router.js';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const oidcUnavailable = () =>
  Object.assign(new Error('temporarily_unavailable'), { error: 'temporarily_unavailable' });

const PENDING: PendingAuthorization = {
  uid: 'uid-1',
  clientId: 'app',
  scope: 'openid',
  promptNone: true,
  loginHint: undefined,
  loginHintSigned: false,
};

const BINDING = { interactionUid: 'uid-1', value: 'binding-value', maxAgeSeconds: 600 };

function appWith(o: {
  pending?: () => Promise<PendingAuthorization>;
  start?: NestedFlow['start'];
  complete?: NestedFlow['complete'];
  publicUrl?: string;
}) {
  const interactions = {
    pending: o.pending ?? (async () => PENDING),
  } as unknown as AuthorizationGateway;
  const flow: NestedFlow = {
    start: o.start ?? (async () => ({ url: 'http://operator.example/auth', binding: BINDING })),
    complete:
      o.complete ??
      (async () => ({ kind: 'redirect', url: 'http://app.example/cb', interactionUid: 'uid-1' })),
  };
  const app = express();
  app.use(
    createFlowRouter({
      flow,
      interactions,
      deviceIp: createDeviceIpResolver([]),
      publicUrl: o.publicUrl ?? 'http://sb.example',
    }),
  );
  // The public app's last resort: anything unmapped is a 500.
  app.use((_err: unknown, _req: express.Request, res: express.Response, _next: unknown) => {
    res.status(500).json({ code: 'INTERNAL' });
  });
  return app;
}

const expectUnavailablePage = (res: request.Response) => {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/text\/html/);
  expect(res.headers['retry-after']).toBe('30');
  expect(res.text).toContain('temporarily_unavailable');
};

describe('flow router: database outage', () => {
  it('answers the interaction step with a 503 temporarily_unavailable page when the interaction cannot be loaded', async () => {
    const res = await request(
      appWith({ pending: async () => Promise.reject(oidcUnavailable()) }),
    ).get('/interaction/uid-1');
    expectUnavailablePage(res);
  });

  it('…and when the operator round-trip cannot be recorded', async () => {
    const res = await request(appWith({ start: async () => Promise.reject(refused()) })).get(
      '/interaction/uid-1',
    );
    expectUnavailablePage(res);
  });

  it('answers the operator callback with the same page when its state cannot be read', async () => {
    const res = await request(appWith({ complete: async () => Promise.reject(refused()) })).get(
      '/operator-callback?state=s&code=c',
    );
    expectUnavailablePage(res);
  });

  it('keeps the expired page for an interaction that is simply unknown', async () => {
    const res = await request(
      appWith({ pending: async () => Promise.reject(new Error('interaction session not found')) }),
    ).get('/interaction/uid-1');
    expect(res.status).toBe(400);
    expect(res.text).toContain('invalid_request');
  });

  it('leaves other failures to the error handler (500)', async () => {
    const res = await request(appWith({ start: async () => Promise.reject(new Error('bug')) })).get(
      '/interaction/uid-1',
    );
    expect(res.status).toBe(500);
  });
});

describe('flow router: the browser binding cookie (RFC 6749 §10.12)', () => {
  const cookieOf = (res: request.Response) => {
    const lines = res.headers['set-cookie'] as unknown as string[] | undefined;
    expect(lines).toHaveLength(1);
    return lines![0]!;
  };

  it('sets it with the redirect to the operator: HttpOnly, Lax, callback path only, flow lifetime', async () => {
    const res = await request(appWith({})).get('/interaction/uid-1');
    expect(res.status).toBe(303);
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/^sb_op_[\w-]{22}=binding-value;/);
    expect(cookie).toMatch(/; Max-Age=600;/);
    expect(cookie).toMatch(/; Path=\/operator-callback;/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('is Secure, with the __Secure- prefix, when the issuer is https', async () => {
    const res = await request(appWith({ publicUrl: 'https://sb.example' })).get(
      '/interaction/uid-1',
    );
    expect(cookieOf(res)).toMatch(/^__Secure-sb_op_[\w-]{22}=binding-value;.*; Secure/);
  });

  it('gives two interactions two cookies, and hands the flow the one for its interaction', async () => {
    const names: string[] = [];
    for (const uid of ['uid-1', 'uid-2']) {
      const res = await request(
        appWith({
          start: async () => ({ url: 'http://op/', binding: { ...BINDING, interactionUid: uid } }),
        }),
      ).get(`/interaction/${uid}`);
      names.push(cookieOf(res).split('=')[0]!);
    }
    expect(names[0]).not.toBe(names[1]);
    let seen: Array<string | undefined> = [];
    const app = appWith({
      complete: async (_url, presented) => {
        seen = [presented('uid-1'), presented('uid-2'), presented('uid-3')];
        return { kind: 'redirect', url: 'http://app.example/cb', interactionUid: 'uid-1' };
      },
    });
    const res = await request(app)
      .get('/operator-callback?state=s&code=c')
      .set('cookie', `other=x; ${names[0]}=one; ${names[1]}=two`);
    expect(seen).toEqual(['one', 'two', undefined]);
    // Handled: the interaction's cookie is cleared.
    expect(cookieOf(res)).toMatch(new RegExp(`^${names[0]}=;.*Expires=Thu, 01 Jan 1970`));
  });

  it('answers a callback from another browser with a 400 page and no redirect', async () => {
    const res = await request(
      appWith({ complete: async () => ({ kind: 'other-browser', interactionUid: 'uid-1' }) }),
    ).get('/operator-callback?state=s&code=c');
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('access_denied');
    expect(res.text).toMatch(/started in another browser/);
  });
});
