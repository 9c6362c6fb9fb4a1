import { describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { refusedPort } from './refused-port.js';

const attempt = (port: number, listen: boolean) =>
  new Promise<string>((resolve) => {
    if (listen) {
      const server = net.createServer();
      server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve('listening')));
    } else {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
    }
  });

describe('refusedPort', () => {
  it('refuses connections, and no one else can listen on it while the test holds it', async () => {
    const held = await refusedPort();
    try {
      expect(held.origin).toBe(`http://127.0.0.1:${held.port}`);
      expect(await attempt(held.port, false)).toBe('ECONNREFUSED');
      expect(await attempt(held.port, true)).toBe('EADDRINUSE');
    } finally {
      await held.release();
    }
  });
});
