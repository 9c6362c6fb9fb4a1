import { afterEach, describe, expect, it } from '@jest/globals';
import express from 'express';
import { request } from 'undici';
import { silentLogger } from '../logging.js';
import {
  bindListener,
  createPublicApp,
  createStartingApp,
  type FrontHandler,
  type Listener,
} from './servers.js';

const TIMEOUTS = { headersTimeoutMs: 5_000, requestTimeoutMs: 10_000 };
const noProxy = () => false;

let server: Listener | undefined;
afterEach(async () => {
  await server?.close(100);
  server = undefined;
});

async function get(path: string) {
  const res = await request(`${server!.url}${path}`);
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

/** Answers /front/* itself, like the CAMARA proxy answers its catalog paths. */
const front: FrontHandler = (req, res, fallback) => {
  if (!req.url?.startsWith('/front/')) return fallback(req, res);
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('front');
};

const bound = () =>
  bindListener('127.0.0.1', 0, TIMEOUTS, createStartingApp(express.Router(), noProxy));
const composed = () =>
  createPublicApp({
    health: express.Router(),
    routes: [],
    isTrustedProxy: noProxy,
    reporting: { logger: silentLogger },
  });

describe('public listener front slot', () => {
  it('answers 503 while starting, then serves the app with the front owning its paths', async () => {
    server = await bound();
    const starting = await get('/front/x');
    expect(starting.status).toBe(503);
    expect(starting.text).toContain('starting up');

    server.serve(composed(), front);
    const owned = await get('/front/x');
    expect(owned).toMatchObject({ status: 200, text: 'front' });
    // Not the front's: the express app (security headers, CAMARA-shaped 404).
    const other = await get('/elsewhere');
    expect(other.status).toBe(404);
    expect(other.headers['x-content-type-options']).toBe('nosniff');
  });

  it("adds the drain's Connection: close to the front's answers too", async () => {
    server = await bound();
    server.serve(composed(), front);
    expect((await get('/front/x')).headers.connection).not.toBe('close');
    server.drain();
    const drained = await get('/front/x');
    expect(drained).toMatchObject({ status: 200, text: 'front' });
    expect(drained.headers.connection).toBe('close');
  });
});
