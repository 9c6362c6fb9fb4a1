import { isCamaraError } from '@switchboard/camara';
import type { CircuitPermit } from '../circuit-breaker.js';
import { isUnanswered, unanswered, type UpstreamResponse } from '../upstream-pool.js';
import { requireValue, type ProxyContext } from '../proxy-context.js';
import { isJsonMediaType, isWellFormedJson } from './read-json-body.js';

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** An operator body that claims JSON but is not is a broken upstream (502), not our answer. */
function isWellFormed(response: UpstreamResponse): boolean {
  const json = isJsonMediaType(first(response.headers['content-type']));
  return !json || response.body.length === 0 || isWellFormedJson(response.body);
}

/**
 * Sends the call through the operator's circuit. Network errors, timeouts, malformed
 * answers and operator 5xx count against the circuit; 2xx–4xx show the operator is up.
 * When no usable answer comes back, our 502/503/504 is kept in `unanswered` (giveBackToken
 * returns the token's use, buildResponse answers it); only a bug of ours is thrown here.
 * One promise: the pool's, with both outcomes handled on it (no async frame around it).
 */
export function forwardUpstream(ctx: ProxyContext): Promise<void> | undefined {
  const claims = requireValue(ctx.claims, 'claims');
  const request = requireValue(ctx.upstreamRequest, 'upstreamRequest');
  let permit: CircuitPermit;
  try {
    permit = ctx.deps.breaker.acquire(claims.operatorId);
  } catch (err) {
    if (!isCamaraError(err)) throw err;
    ctx.upstreamFailure = 'circuit-open';
    ctx.unanswered = err;
    return undefined;
  }
  return ctx.deps.upstream.request(request).then(
    (response) => answered(ctx, permit, response),
    (err: unknown) => unansweredCall(ctx, permit, err),
  );
}

function answered(ctx: ProxyContext, permit: CircuitPermit, response: UpstreamResponse): void {
  if (!isWellFormed(response)) return unansweredCall(ctx, permit, unanswered('malformed'));
  ctx.upstreamResponse = response;
  if (response.status >= 500) permit.failure();
  else permit.success();
}

function unansweredCall(ctx: ProxyContext, permit: CircuitPermit, err: unknown): void {
  if (!isUnanswered(err)) {
    permit.release();
    throw err;
  }
  ctx.upstreamFailure = err.failure;
  ctx.unanswered = err;
  permit.failure();
}
