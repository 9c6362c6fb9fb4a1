import type { CircuitPermit } from '../circuit-breaker.js';
import { isUpstreamError, upstreamError, type UpstreamResponse } from '../upstream-pool.js';
import { requireValue, type ProxyContext } from '../proxy-context.js';
import { isJsonMediaType, isWellFormedJson } from './read-json-body.js';

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** An operator body that claims JSON but is not is a broken upstream (502), not our answer. */
function checkWellFormed(response: UpstreamResponse): void {
  const json = isJsonMediaType(first(response.headers['content-type']));
  if (json && response.body.length > 0 && !isWellFormedJson(response.body)) {
    throw upstreamError('malformed');
  }
}

/**
 * Sends the call through the operator's circuit. Network errors, timeouts, malformed
 * answers and operator 5xx count against the circuit; 2xx–4xx show the operator is up.
 */
export async function forwardUpstream(ctx: ProxyContext): Promise<void> {
  const claims = requireValue(ctx.claims, 'claims');
  const request = requireValue(ctx.upstreamRequest, 'upstreamRequest');
  let permit: CircuitPermit;
  try {
    permit = ctx.deps.breaker.acquire(claims.operatorId);
  } catch (err) {
    ctx.upstreamFailure = 'circuit-open';
    throw err;
  }
  try {
    const response = await ctx.deps.upstream.request(request);
    checkWellFormed(response);
    ctx.upstreamResponse = response;
  } catch (err) {
    if (isUpstreamError(err)) {
      ctx.upstreamFailure = err.failure;
      permit.failure();
    } else {
      permit.release();
    }
    throw err;
  }
  if (ctx.upstreamResponse.status >= 500) permit.failure();
  else permit.success();
}
