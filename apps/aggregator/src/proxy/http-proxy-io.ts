import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyRequest, ProxyResponse } from './proxy-context.js';
import { readBody } from './read-body.js';
import { SECURITY_HEADERS } from '../http/security-headers.js';

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

/**
 * CAMARA answers carry personal data (a verification result, a phone number): never cached,
 * whatever the operator said (RFC 9111 §5.2.2.5; `pragma` for HTTP/1.0 caches), nor sniffed.
 * Set here too, not only by the app's middleware, for the express-free listener.
 */
export function sendProxyResponse(res: ServerResponse, response: ProxyResponse): void {
  res.writeHead(response.status, {
    ...response.headers,
    ...SECURITY_HEADERS,
    'content-length': response.body.length,
  });
  res.end(response.body);
}
