import { ProxyError } from '../../proxy/proxy-error.js';
import type { RateDecision } from './rate-limiter.js';

/** CAMARA 429 TOO_MANY_REQUESTS with `Retry-After` (RFC 9110 §10.2.3, RFC 6585 §4). */
export function tooManyRequests(
  decision: Extract<RateDecision, { allowed: false }>,
  who: string,
): ProxyError {
  return new ProxyError(
    'TOO_MANY_REQUESTS',
    { 'retry-after': String(decision.retryAfterSeconds) },
    {
      message: `Rate limit reached for ${who}; retry after ${decision.retryAfterSeconds} s.`,
    },
  );
}
