import {
  AccessDeniedError,
  AuthorizationExpiredError,
  ConsentDeniedError,
  ConsentRequiredError,
  NetworkNotIdentifiedError,
  OAuthError,
  SwitchboardError,
  TimeoutError,
} from './errors.js';

/**
 * The typed error for an OAuth `error` / `error_description` pair. Operators and the
 * aggregator word the "not on the mobile network" case differently ("not identified",
 * "could not be identified"), so the description is matched loosely.
 */
export function oauthError(error: string, description?: string, cause?: unknown): OAuthError {
  if (error === 'consent_required') return new ConsentRequiredError(description, cause);
  if (error === 'expired_token') return new AuthorizationExpiredError(description, cause);
  if (error !== 'access_denied') return new OAuthError(error, description, { cause });
  if (description !== undefined && /identif/i.test(description))
    return new NetworkNotIdentifiedError(description, cause);
  if (description !== undefined && /consent/i.test(description))
    return new ConsentDeniedError(description, cause);
  return new AccessDeniedError(description, cause);
}

/**
 * True when `err` or one of its causes is an aborted or timed-out request. Matched by
 * name, not class: fetch's DOMException may come from another realm (VM contexts, tests).
 */
export function isTimeout(err: unknown): boolean {
  let e = err;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth += 1) {
    const { name, cause } = e as { name?: unknown; cause?: unknown };
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    e = cause;
  }
  return false;
}

/**
 * Maps whatever openid-client or fetch threw to a `SwitchboardError`. openid-client's
 * errors are recognised by shape (`error` on authorization/token responses) so that the
 * SDK's callers never depend on openid-client's classes.
 */
export function toSwitchboardError(err: unknown, what: string): SwitchboardError {
  if (err instanceof SwitchboardError) return err;
  if (isTimeout(err)) return new TimeoutError(`${what} timed out`, { cause: err });
  if (typeof err === 'object' && err !== null) {
    const shaped = err as { error?: unknown; error_description?: unknown; code?: unknown };
    if (typeof shaped.error === 'string') {
      const description =
        typeof shaped.error_description === 'string' ? shaped.error_description : undefined;
      return oauthError(shaped.error, description, err);
    }
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'OAUTH_HTTP_REQUEST_FORBIDDEN') {
    return new SwitchboardError(
      code,
      `${what} failed: the URL is plain http://; for a local development issuer pass allowInsecureRequests: true to createSwitchboardClient (never in production)`,
      { cause: err },
    );
  }
  const message = err instanceof Error ? `: ${err.message}` : '';
  return new SwitchboardError(
    typeof code === 'string' ? code : 'REQUEST_FAILED',
    `${what} failed${message}`,
    { cause: err },
  );
}
