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

/**
 * Sets the headers before any handler runs (a handler may still override them, e.g.
 * oidc-provider's own `cache-control`). HSTS only when the request came over TLS: directly,
 * or per `X-Forwarded-Proto` from a trusted proxy (TRUST_PROXY); a client cannot claim it.
 */
export function createSecurityHeaders(isTrustedProxy: (address: string | undefined) => boolean) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    for (const name in SECURITY_HEADERS) res.setHeader(name, SECURITY_HEADERS[name]!);
    if (overTls(req, isTrustedProxy)) res.setHeader('strict-transport-security', HSTS);
    next();
  };
}

function overTls(req: IncomingMessage, isTrustedProxy: (a: string | undefined) => boolean) {
  if ((req.socket as TLSSocket).encrypted) return true;
  const proto = req.headers['x-forwarded-proto'];
  if (typeof proto !== 'string' || !isTrustedProxy(req.socket.remoteAddress)) return false;
  // The hop nearest to us is the proxy's own view of the scheme.
  return proto.split(',').at(-1)!.trim().toLowerCase() === 'https';
}
