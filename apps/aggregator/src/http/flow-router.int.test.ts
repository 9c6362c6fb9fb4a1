import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import type { NestedFlow } from '../flow/nested-flow.js';
import type { AuthorizationGateway, PendingAuthorization } from '../oidc/interaction-gateway.js';
import { createDeviceIpResolver } from './device-ip.js';
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

function appWith(o: {
  pending?: () => Promise<PendingAuthorization>;
  start?: NestedFlow['start'];
  complete?: NestedFlow['complete'];
}) {
  const interactions = {
    pending: o.pending ?? (async () => PENDING),
  } as unknown as AuthorizationGateway;
  const flow: NestedFlow = {
    start: o.start ?? (async () => 'http://operator.example/auth'),
    complete: o.complete ?? (async () => ({ kind: 'redirect', url: 'http://app.example/cb' })),
  };
  const app = express();
  app.use(
    createFlowRouter({
      flow,
      interactions,
      deviceIp: createDeviceIpResolver([]),
      publicUrl: 'http://sb.example',
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
