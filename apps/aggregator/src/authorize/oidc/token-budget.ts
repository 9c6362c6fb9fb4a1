import type { OidcContext, OidcProviderModule } from './oidc-provider-module.js';

/** A client's token budget (per-client rate limit of the token endpoint, ADR 0001). */
export interface TokenBudget {
  /** Seconds to wait when the client's budget is spent, else undefined; counts nothing. */
  refusal(clientId: string): number | undefined;
  /** Counts a token issued to the client, which has authenticated to get it. */
  charge(clientId: string): void;
}

/**
 * Refuses a token to an authenticated client whose budget is spent: runs while the token
 * endpoint builds the token, after client authentication, so a request that fails to
 * authenticate never touches a client's budget and nothing reads the body before
 * oidc-provider does. 429 with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3).
 */
export function assertTokenBudget(
  oidc: OidcProviderModule,
  ctx: OidcContext,
  clientId: string,
  budget: TokenBudget | undefined,
): void {
  if (!budget || ctx.oidc.route !== 'token') return;
  const wait = budget.refusal(clientId);
  if (wait === undefined) return;
  ctx.set('retry-after', String(wait));
  throw Object.assign(
    new oidc.errors.TemporarilyUnavailable(
      `too many token requests for this client; retry after ${wait} seconds`,
    ),
    { status: 429, statusCode: 429, expose: true },
  );
}
