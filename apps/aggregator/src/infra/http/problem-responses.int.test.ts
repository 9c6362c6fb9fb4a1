import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import type { Logger } from '@switchboard/telco-finder';
import { createPublicApp } from './servers.js';

const logged: string[] = [];
const logger = {
  error: (message: string) => logged.push(message),
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
} as unknown as Logger;

function app() {
  const routes = express.Router();
  routes.get('/interaction/:uid', () => {
    throw new Error('secret detail at /srv/switchboard/flow.ts:42');
  });
  return createPublicApp({
    health: express.Router(),
    routes: [routes],
    isTrustedProxy: () => false,
    reporting: { logger },
  });
}

describe('public listener: errors nobody else answered', () => {
  it('shows a browser mid-sign-in an HTML page without the cause', async () => {
    const res = await request(app()).get('/interaction/abc').set('accept', 'text/html');
    expect(res.status).toBe(500);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('server_error');
    expect(res.text).toContain('Go back to the app');
    expect(res.text).not.toContain('secret detail');
    expect(logged).toContain('public request failed');
  });

  it('answers API clients in the CAMARA shape, and names no admin endpoint', async () => {
    const failed = await request(app()).get('/interaction/abc').set('accept', 'application/json');
    expect(failed.status).toBe(500);
    // One error mapper: a 5xx says what its CAMARA code means, never its cause.
    expect(failed.body).toEqual({
      status: 500,
      code: 'INTERNAL',
      message: 'Unknown server error. Typically a server bug.',
    });
    const missing = await request(app()).get('/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      status: 404,
      code: 'NOT_FOUND',
      message: 'no such endpoint: GET /nowhere',
    });
  });
});
