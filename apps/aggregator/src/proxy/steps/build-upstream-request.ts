import { X_CORRELATOR_HEADER } from '@switchboard/camara';
import {
  headerValue,
  requireValue,
  type ProxyClaims,
  type ProxyContext,
} from '../proxy-context.js';

/**
 * An allow-list, not a deny-list: the operator gets exactly what the CAMARA call needs.
 * Hop-by-hop headers (RFC 9110 §7.6.1), cookies, the app's Authorization, Forwarded /
 * X-Forwarded-* and anything else the app sent never reach the operator.
 */
const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept', 'accept-language'] as const;

// `Bearer <operator token>` per verified grant (cached grants are the same object call after
// call): built once, not concatenated and flattened again for undici's header check each call.
const authorizations = new WeakMap<ProxyClaims, string>();

function authorizationOf(claims: ProxyClaims): string {
  let value = authorizations.get(claims);
  if (value === undefined) {
    value = `Bearer ${claims.operatorAccessToken}`;
    authorizations.set(claims, value);
  }
  return value;
}

export function buildUpstreamRequest(ctx: ProxyContext): void {
  const claims = requireValue(ctx.claims, 'claims');
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = headerValue(ctx.request.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  headers[X_CORRELATOR_HEADER] = ctx.correlator;
  headers.authorization = authorizationOf(claims);
  // W3C Trace Context: the call joins its verification's trace (docs/observability.md).
  if (ctx.deps.tracing && claims.verificationId !== undefined) {
    const sent = ctx.deps.tracing.outgoing(claims.verificationId);
    if (sent) {
      headers.traceparent = sent.traceparent;
      ctx.traceSpanId = sent.spanId;
    }
  }
  const target = requireValue(ctx.target, 'target');
  ctx.upstreamRequest = {
    operatorId: claims.operatorId,
    origin: target.origin,
    path: target.path,
    method: ctx.request.method.toUpperCase(),
    headers,
    body: ctx.body,
  };
}
