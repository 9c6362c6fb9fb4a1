import { boundedBody, defaultMessage, X_CORRELATOR_HEADER } from '@switchboard/camara';
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
  const body = ctx.operation?.api === 'number-verification' ? nvBody(upstream.body) : upstream.body;
  ctx.response = { status: upstream.status, headers, body };
}

/**
 * CAMARA Commonalities r4.4: Number Verification never answers OUT_OF_RANGE (NV 2.1 lists
 * no such error); an operator's becomes INVALID_ARGUMENT, its message kept. Every other
 * body passes unchanged, byte for byte.
 */
function nvBody(body: Buffer): Buffer {
  if (!body.includes('OUT_OF_RANGE')) return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  const error = parsed as { status?: unknown; code?: unknown; message?: unknown } | null;
  if (error?.code !== 'OUT_OF_RANGE') return body;
  const status = typeof error.status === 'number' ? error.status : 400;
  const message =
    typeof error.message === 'string' ? error.message : defaultMessage('INVALID_ARGUMENT');
  return Buffer.from(JSON.stringify(boundedBody(status, 'INVALID_ARGUMENT', message)));
}
