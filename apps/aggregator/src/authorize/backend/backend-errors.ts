import * as client from 'openid-client';
import { isTimeout } from '../flow/operator-errors.js';

export interface Refusal {
  readonly error: string;
  readonly description: string;
}

/**
 * An operator's answer to a backend request, as the app sees it (ICM r4.2 Appendix A). Codes
 * the app can act on pass through with Switchboard's own words (the operator's text may name
 * it: it goes to the log only); an operator that cannot be reached is
 * `temporarily_unavailable`; anything else is the operator's failure, `server_error`.
 */
const PASSED: Readonly<Record<string, string>> = {
  unknown_user_id: 'the mobile operator does not know this subscriber',
  access_denied: 'the mobile operator did not authorize this request',
  invalid_scope: 'the mobile operator refused the requested scope',
  expired_token: 'the authorization request expired at the mobile operator',
  invalid_grant: 'the mobile operator refused the authorization grant',
  temporarily_unavailable: 'the mobile operator is temporarily unavailable; try again later',
};

const UNREACHABLE: Refusal = {
  error: 'temporarily_unavailable',
  description: 'the mobile operator could not be reached; try again later',
};

export function operatorRefusal(err: unknown): Refusal {
  if (err instanceof client.ResponseBodyError) {
    if (err.status >= 500 && !Object.hasOwn(PASSED, err.error)) return UNREACHABLE;
    if (Object.hasOwn(PASSED, err.error))
      return { error: err.error, description: PASSED[err.error]! };
    return {
      error: 'server_error',
      description: 'the mobile operator could not process the request',
    };
  }
  if (isTimeout(err) || isUnreachable(err)) return UNREACHABLE;
  return { error: 'server_error', description: 'the mobile operator returned an invalid response' };
}

function isUnreachable(err: unknown): boolean {
  const e = err as { message?: string; cause?: { code?: string } };
  return (
    e?.message === 'fetch failed' ||
    ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH'].includes(e?.cause?.code ?? '')
  );
}
