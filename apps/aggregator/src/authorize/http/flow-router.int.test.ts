import type { ServerResponse } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import type { NestedFlow } from '../flow/nested-flow.js';
import { createBindingCookies } from './binding-cookie.js';
import { createFlowRouter, OPERATOR_CALLBACK_PATH } from './flow-router.js';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const oidcUnavailable = () =>
  Object.assign(new Error('temporarily_unavailable'), { error: 'temporarily_unavailable' });

function appWith(o: { complete?: NestedFlow['complete'] }) {
  const flow: NestedFlow = {
    start: async () => Promise.reject(new Error('/auth starts the flow, not this router')),
    complete:
      o.complete ??
      (async () => ({ kind: 'redirect', url: 'http://app.example/cb', interactionUid: 'uid-1' })),
  };
  const app = express();
  const publicUrl = 'http://sb.example';
  app.use(
    createFlowRouter({
      flow,
      bindings: createBindingCookies(OPERATOR_CALLBACK_PATH, publicUrl),
      publicUrl,
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
  it('answers the operator callback with a 503 temporarily_unavailable page when its state cannot be read', async () => {
    const res = await request(appWith({ complete: async () => Promise.reject(refused()) })).get(
      '/operator-callback?state=s&code=c',
    );
    expectUnavailablePage(res);
  });

  it('…and when oidc-provider says the database is down', async () => {
    const res = await request(
      appWith({ complete: async () => Promise.reject(oidcUnavailable()) }),
    ).get('/operator-callback?state=s&code=c');
    expectUnavailablePage(res);
  });

  it('leaves other failures to the error handler (500)', async () => {
    const res = await request(
      appWith({ complete: async () => Promise.reject(new Error('bug')) }),
    ).get('/operator-callback?state=s&code=c');
    expect(res.status).toBe(500);
  });

  it('answers an unknown state with a 400 page', async () => {
    const res = await request(appWith({ complete: async () => ({ kind: 'unknown-state' }) })).get(
      '/operator-callback?state=s&code=c',
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('invalid_request');
  });
});

describe('flow router: the browser binding cookie (RFC 6749 §10.12)', () => {
  const cookieOf = (res: request.Response) => {
    const lines = res.headers['set-cookie'] as unknown as string[] | undefined;
    expect(lines).toHaveLength(1);
    return lines![0]!;
  };

  it('hands the flow the cookie of its interaction, and clears it once handled', async () => {
    const bindings = createBindingCookies(OPERATOR_CALLBACK_PATH, 'http://sb.example');
    const names = ['uid-1', 'uid-2'].map((uid) => {
      const res = { headers: new Map<string, unknown>() };
      const fake = {
        getHeader: (n: string) => res.headers.get(n),
        setHeader: (n: string, v: unknown) => res.headers.set(n, v),
      } as unknown as ServerResponse;
      bindings.set(fake, { interactionUid: uid, value: 'v', maxAgeSeconds: 600 });
      return String((res.headers.get('set-cookie') as string[])[0]).split('=')[0]!;
    });
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
