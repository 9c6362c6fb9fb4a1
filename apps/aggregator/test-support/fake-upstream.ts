import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/** A small operator stand-in on 127.0.0.1:0 whose answer each test sets. */
export interface FakeUpstream {
  readonly origin: string;
  readonly received: ReceivedRequest[];
  behave(behaviour: Behaviour): void;
  close(): Promise<void>;
}

export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Behaviour =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

/** Answers from a list, then repeats the last one. */
export const sequence =
  (...behaviours: Behaviour[]): Behaviour =>
  (req, res, body) => {
    const next = behaviours.length > 1 ? behaviours.shift()! : behaviours[0]!;
    next(req, res, body);
  };

export const slowHeaders =
  (delayMs: number): Behaviour =>
  (_req, res) => {
    // unref: a stand-in kept waiting longer than its test must not hold the test process.
    setTimeout(() => json(200, { late: true })(_req, res, ''), delayMs).unref();
  };

/** Sends headers at once, then one byte every `everyMs`: never idle, never finished in time. */
export const tricklingBody =
  (everyMs: number, bytes: number): Behaviour =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    let sent = 0;
    const tick = setInterval(() => {
      if (res.destroyed || sent >= bytes) {
        clearInterval(tick);
        res.end();
        return;
      }
      res.write('x');
      sent += 1;
    }, everyMs);
    tick.unref();
  };

export const hugeBody =
  (bytes: number, declareLength: boolean): Behaviour =>
  (_req, res) => {
    const headers: Record<string, string | number> = { 'content-type': 'text/plain' };
    if (declareLength) headers['content-length'] = bytes;
    res.writeHead(200, headers);
    res.end(Buffer.alloc(bytes, 'a'));
  };

/** 64 KiB of response headers: more than an HTTP client should buffer (undici: 16 KiB). */
export const hugeHeaders: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'x-padding': 'p'.repeat(65_536) });
  res.end('{}');
};

export const malformedJson: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"devicePhoneNumberVerified": tru');
};

/** Not HTTP at all: the parser must refuse it. */
export const malformedHttp: Behaviour = (req) => {
  req.socket.end('HTTP/1.1 2x0 NOPE\r\nbroken header line\r\n\r\n');
};

export const redirect =
  (location: string): Behaviour =>
  (_req, res) => {
    res.writeHead(302, { location });
    res.end();
  };

export const destroyConnection: Behaviour = (req) => {
  req.socket.destroy();
};

export async function startFakeUpstream(
  initial: Behaviour = json(200, { ok: true }),
): Promise<FakeUpstream> {
  let behaviour = initial;
  const received: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      behaviour(req, res, body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    behave: (b) => {
      behaviour = b;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * An operator that is down, on a port this test keeps: every connection is dropped before a
 * byte is read (a freed port may be taken by another process on a shared machine while a test
 * file runs, and then answers; `refusedPort` in @switchboard/test-kit refuses them instead).
 */
export async function droppingOrigin(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
