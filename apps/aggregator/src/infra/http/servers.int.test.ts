import { afterEach, describe, expect, it } from '@jest/globals';
import { request } from 'undici';
import { silentLogger } from '../logging.js';
import { createLateRouter } from './late-router.js';
import { createPublicApp, listen, type FrontHandler, type RunningServer } from './servers.js';

const TIMEOUTS = { headersTimeoutMs: 5_000, requestTimeoutMs: 10_000 };

let server: RunningServer | undefined;
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

describe('public listener front slot', () => {
  it('lets the app answer (503 while starting) until a front is attached, then the front owns its paths', async () => {
    const late = createLateRouter();
    server = await listen(createPublicApp(late.router, silentLogger, () => false), '127.0.0.1', 0, TIMEOUTS); // prettier-ignore
    const starting = await get('/front/x');
    expect(starting.status).toBe(503);
    expect(starting.text).toContain('starting up');

    server.attachFront(front);
    late.attach();
    const owned = await get('/front/x');
    expect(owned).toMatchObject({ status: 200, text: 'front' });
    // Not the front's: the express app (security headers, CAMARA-shaped 404).
    const other = await get('/elsewhere');
    expect(other.status).toBe(404);
    expect(other.headers['x-content-type-options']).toBe('nosniff');
  });

  it("adds the drain's Connection: close to the front's answers too", async () => {
    server = await listen(createPublicApp(createLateRouter().router, silentLogger, () => false), '127.0.0.1', 0, TIMEOUTS); // prettier-ignore
    server.attachFront(front);
    expect((await get('/front/x')).headers.connection).not.toBe('close');
    server.drain();
    const drained = await get('/front/x');
    expect(drained).toMatchObject({ status: 200, text: 'front' });
    expect(drained.headers.connection).toBe('close');
  });
});
