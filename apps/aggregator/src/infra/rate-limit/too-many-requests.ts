import { camaraError, type CamaraError } from '@switchboard/camara';
import type { RateDecision } from './rate-limiter.js';

/** CAMARA 429 TOO_MANY_REQUESTS with `Retry-After` (RFC 9110 §10.2.3, RFC 6585 §4). */
export function tooManyRequests(
  decision: Extract<RateDecision, { allowed: false }>,
  who: string,
): CamaraError {
  return camaraError(
    'TOO_MANY_REQUESTS',
    `Rate limit reached for ${who}; retry after ${decision.retryAfterSeconds} s.`,
    { headers: { 'retry-after': String(decision.retryAfterSeconds) } },
  );
}
