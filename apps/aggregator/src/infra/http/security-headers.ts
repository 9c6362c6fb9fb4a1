import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * Switchboard's pages are server-rendered without scripts or styles, and its APIs answer
 * JSON: nothing needs to load. `script-src 'self'` (not 'none') only so that oidc-provider
 * can add the hash of its form_post auto-submit script (lib/helpers/script_src_sha.js).
 * No form-action: the consent and form_post redirects leave for other origins.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Responses carry codes, tokens or personal data: never stored, sniffed, framed or referred. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  pragma: 'no-cache',
});

/** RFC 6797: only over TLS; two years, as browsers' preload lists expect. */
export const HSTS = 'max-age=63072000';

const SECURITY_HEADERS_WITH_HSTS: Readonly<Record<string, string>> = Object.freeze({
  ...SECURITY_HEADERS,
  'strict-transport-security': HSTS,
});

/** Which peers' X-Forwarded-Proto is believed (TRUST_PROXY), for HSTS. */
export type TrustedProxyCheck = (address: string | undefined) => boolean;

/**
 * The headers every answer to `req` carries: SECURITY_HEADERS, plus HSTS when the request
 * came over TLS, directly or per `X-Forwarded-Proto` from a trusted proxy (TRUST_PROXY);
 * a client cannot claim it. Frozen objects, shared by all requests.
 */
export function createSecurityHeaderSet(
  isTrustedProxy: TrustedProxyCheck,
): (req: IncomingMessage) => Readonly<Record<string, string>> {
  return (req) => (overTls(req, isTrustedProxy) ? SECURITY_HEADERS_WITH_HSTS : SECURITY_HEADERS);
}

/**
 * Sets the headers before any handler runs (a handler may still override them, e.g.
 * oidc-provider's own `cache-control`).
 */
export function createSecurityHeaders(isTrustedProxy: TrustedProxyCheck) {
  const headersFor = createSecurityHeaderSet(isTrustedProxy);
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const headers = headersFor(req);
    for (const name in headers) res.setHeader(name, headers[name]!);
    next();
  };
}

function overTls(req: IncomingMessage, isTrustedProxy: TrustedProxyCheck): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  const proto = req.headers['x-forwarded-proto'];
  if (typeof proto !== 'string' || !isTrustedProxy(req.socket.remoteAddress)) return false;
  // The hop nearest to us is the proxy's own view of the scheme.
  return proto.split(',').at(-1)!.trim().toLowerCase() === 'https';
}
