import { X_CORRELATOR_HEADER } from '@switchboard/camara';
import { requireValue, type ProxyContext } from '../proxy-context.js';

/**
 * The operator's status and body go back unchanged, with only these headers; Set-Cookie,
 * WWW-Authenticate, hop-by-hop and server headers of the operator stay behind, and so does
 * its Cache-Control and its x-correlator: Switchboard always answers `no-store` (http-proxy-io.ts).
 */
const RETURNED_RESPONSE_HEADERS = ['content-type', 'retry-after'];

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The operator's answer; when there was none, our 502/503/504 (forwardUpstream). */
export function buildResponse(ctx: ProxyContext): void {
  if (ctx.unanswered) throw ctx.unanswered;
  const upstream = requireValue(ctx.upstreamResponse, 'upstreamResponse');
  const headers: Record<string, string> = {};
  for (const name of RETURNED_RESPONSE_HEADERS) {
    const value = first(upstream.headers[name]);
    if (value !== undefined) headers[name] = value;
  }
  // CAMARA Commonalities r4.4: the app's own x-correlator comes back, whatever the operator
  // answered (another value, an invalid one, or none).
  headers[X_CORRELATOR_HEADER] = ctx.correlator;
  ctx.response = { status: upstream.status, headers, body: upstream.body };
}
