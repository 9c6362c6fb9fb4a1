import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import type { Aggregator } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startTestAggregator } from '../test-support/core-fixture.js';

// Security checks (docs/security.md): oversized headers and slow clients (slowloris) on the public and
// admin listeners. Each must be cut off cleanly while other clients are still served.
let t: TestDatabase;
let agg: Aggregator;
const env = {
  HTTP_HEADERS_TIMEOUT_MS: '500',
  HTTP_REQUEST_TIMEOUT_MS: '1000',
};

beforeAll(async () => {
  t = await createTestDatabase();
  agg = await startTestAggregator(t.db, undefined, env);
}, 60_000);
afterAll(async () => {
  await agg.stop();
  await t.destroy();
});

const hostPort = (url: string) => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
};

/** Sends raw bytes and collects what comes back until the server closes the connection. */
function raw(url: string, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(hostPort(url), () => socket.write(bytes));
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

/** A slowloris client: one header byte at a time, forever, until the server hangs up. */
function slowClient(url: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(hostPort(url), () =>
      socket.write('GET /auth?client_id=x HTTP/1.1\r\nHost: a\r\n'),
    );
    let answer = '';
    const drip = setInterval(() => socket.write('X'), 100);
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(drip);
      resolve(answer);
    });
  });
}

const health = async (url: string) => (await fetch(`${url}/health`)).status;

describe('oversized request headers', () => {
  it.each(['public', 'admin'] as const)(
    'answers 431 on the %s listener and keeps serving',
    async (which) => {
      const url = which === 'public' ? agg.publicUrl : agg.adminUrl;
      const answer = await raw(
        url,
        `GET /health HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 431 /);
      expect(await health(url)).toBe(200);
    },
  );
});

describe('slowloris', () => {
  it('cuts off clients that trickle their headers, while others are still served', async () => {
    const slow = Array.from({ length: 20 }, () => slowClient(agg.publicUrl));
    const adminSlow = slowClient(agg.adminUrl);
    // While every slow client holds its connection open, a normal request goes through.
    expect(await health(agg.publicUrl)).toBe(200);
    const answers = await Promise.all([...slow, adminSlow]);
    for (const answer of answers) expect(answer).toMatch(/^(HTTP\/1\.1 408 |$)/);
    expect(await health(agg.publicUrl)).toBe(200);
  });

  it('refuses a headers timeout longer than the request timeout at start', () => {
    expect(() =>
      loadConfig({ ...env, HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' }),
    ).toThrow(/HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS/);
  });
});
