import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyRequest, ProxyResponse } from './proxy-context.js';
import { readBody } from './read-body.js';

/** Splits an origin-form request target (RFC 9112 §3.2.1) into path and raw query. */
export function splitTarget(target: string): { path: string; query: string } {
  const q = target.indexOf('?');
  return q === -1
    ? { path: target, query: '' }
    : { path: target.slice(0, q), query: target.slice(q) };
}

export function toProxyRequest(
  req: IncomingMessage,
  target: { path: string; query: string },
  maxBytes: number,
): ProxyRequest {
  return {
    method: req.method ?? 'GET',
    path: target.path,
    query: target.query,
    headers: req.headers,
    remoteAddress: req.socket.remoteAddress,
    readBody: () => readBody(req, maxBytes),
  };
}

export function sendProxyResponse(res: ServerResponse, response: ProxyResponse): void {
  res.writeHead(response.status, { ...response.headers, 'content-length': response.body.length });
  res.end(response.body);
}
