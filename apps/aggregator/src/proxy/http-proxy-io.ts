import type { IncomingMessage, ServerResponse } from 'node:http';
import { toCamaraBody } from '@switchboard/camara';
import type { ProxyRequest, ProxyResponse } from './proxy-context.js';
import { readBody } from './read-body.js';
import { SECURITY_HEADERS } from '../infra/http/security-headers.js';

/** The security headers an answer to `req` carries (HSTS when over TLS); see security-headers.ts. */
export type SecurityHeaderSet = (req: IncomingMessage) => Readonly<Record<string, string>>;

export const DEFAULT_SECURITY_HEADER_SET: SecurityHeaderSet = () => SECURITY_HEADERS;

// RFC 9112 §3.2.2: a server MUST accept the absolute-form; its authority is never used.
const ABSOLUTE_FORM_PREFIX = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

/**
 * Splits a request target into path and raw query (RFC 9112 §3.2), the way express's
 * `req.path` sees it: absolute-form reduced to its path, a fragment dropped.
 */
export function splitTarget(target: string): { path: string; query: string } {
  let t = target.charCodeAt(0) === 47 ? target : target.replace(ABSOLUTE_FORM_PREFIX, '');
  const hash = t.indexOf('#');
  if (hash !== -1) t = t.slice(0, hash);
  const q = t.indexOf('?');
  return q === -1 ? { path: t, query: '' } : { path: t.slice(0, q), query: t.slice(q) };
}

/** The app's request as the pipeline sees it: a class, so no closure is made per request. */
class NodeProxyRequest implements ProxyRequest {
  readonly method: string;
  readonly headers: IncomingMessage['headers'];
  readonly remoteAddress: string | undefined;

  constructor(
    private readonly req: IncomingMessage,
    readonly path: string,
    readonly query: string,
    private readonly maxBytes: number,
  ) {
    this.method = req.method ?? 'GET';
    this.headers = req.headers;
    this.remoteAddress = req.socket.remoteAddress;
  }

  readBody(): Promise<Buffer | undefined> {
    return readBody(this.req, this.maxBytes);
  }
}

export function toProxyRequest(
  req: IncomingMessage,
  target: { path: string; query: string },
  maxBytes: number,
): ProxyRequest {
  return new NodeProxyRequest(req, target.path, target.query, maxBytes);
}

/** Security header sets as flat `[name, value, …]` lists, made once per set (there are two). */
const flatSets = new WeakMap<Readonly<Record<string, string>>, readonly string[]>();

function flat(security: Readonly<Record<string, string>>): readonly string[] {
  let list = flatSets.get(security);
  if (!list) {
    list = Object.entries(security).flat();
    flatSets.set(security, list);
  }
  return list;
}

/**
 * CAMARA answers carry personal data (a verification result, a phone number): never cached,
 * whatever the operator said (RFC 9111 §5.2.2.5; `pragma` for HTTP/1.0 caches), nor sniffed.
 * One flat `[name, value, …]` list for writeHead: Node takes its fast path when nothing was
 * set before, and a list is walked by index (an object was built key by key, then walked by
 * for-in, both through megamorphic property lookups).
 */
export function sendProxyResponse(
  res: ServerResponse,
  response: ProxyResponse,
  security: Readonly<Record<string, string>> = SECURITY_HEADERS,
): void {
  const head: (string | number)[] = [];
  const headers = response.headers;
  // Copied key by key: `{ ...a, ...b, k: v }` over these header names took V8's slow path,
  // about 13 µs a call, the largest single cost of the proxy's own code in its profile.
  for (const name in headers) {
    // The security headers win over the answer's own, as they did in one header object.
    if (!Object.hasOwn(security, name) && name !== 'content-length')
      head.push(name, headers[name]!);
  }
  const list = flat(security);
  for (let i = 0; i < list.length; i++) head.push(list[i]!);
  head.push('content-length', response.body.length);
  res.writeHead(response.status, head);
  res.end(response.body);
}

/** When even sending failed (a bug): a CAMARA 500 if nothing went out yet, else cut. */
export function sendInternalError(
  res: ServerResponse,
  security: Readonly<Record<string, string>>,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(JSON.stringify(toCamaraBody(undefined)));
  res.writeHead(500, { ...security, 'content-type': 'application/json' });
  res.end(body);
}
