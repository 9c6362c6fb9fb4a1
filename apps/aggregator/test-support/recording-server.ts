import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

/**
 * A listener on 127.0.0.1 (port 0) that records every request it receives and answers the
 * JSON set for its path (else 404): an operator's discovery and token endpoints, or an
 * "internal" host that must never be reached.
 */
export interface RecordingServer {
  readonly port: number;
  /** `http(s)://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  answer(path: string, body: unknown, status?: number): void;
  close(): Promise<void>;
}

export async function startRecordingServer(tls?: {
  key: string;
  cert: string;
}): Promise<RecordingServer> {
  const answers = new Map<string, { status: number; body: unknown }>();
  const requests: RecordedRequest[] = [];
  const handler: http.RequestListener = (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      requests.push({
        method: req.method ?? '',
        path,
        authorization: req.headers.authorization,
        body,
      });
      const answer = answers.get(path);
      if (!answer) return void res.writeHead(404).end();
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    answer: (path, body, status = 200) => void answers.set(path, { status, body }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
