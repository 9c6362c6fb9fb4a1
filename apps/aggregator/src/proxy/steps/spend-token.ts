import { camaraError } from '@switchboard/camara';
import { isDatabaseUnavailable } from '@switchboard/db';
import { requireValue, type ProxyContext } from '../proxy-context.js';

/**
 * CAMARA NV 2.1 (NumberVerification, number-verification.yaml, "The Authentication Request"):
 * an access token with NV scopes serves a single API call (PROXY_SINGLE_USE_TOKENS, per API).
 * The use is recorded only now, after every check of ours (scope, body, route), just before
 * the call leaves: a call Switchboard refuses itself never spends the token. Synchronous for
 * an API whose tokens are reusable (no promise on the hot path).
 */
export function spendToken(ctx: ProxyContext): Promise<void> | undefined {
  const operation = requireValue(ctx.operation, 'operation');
  return ctx.deps.singleUse(operation.api) ? consumeJti(ctx) : undefined;
}

async function consumeJti(ctx: ProxyContext): Promise<void> {
  const claims = requireValue(ctx.claims, 'claims');
  const store = ctx.deps.jtiStore;
  if (!store) throw camaraError('INTERNAL', undefined, { cause: 'singleUse without jtiStore' });
  const fresh = await store.consume(claims.jti, claims.exp).catch((err: unknown) => {
    // Fail closed but retryable: a use that cannot be recorded is not allowed.
    if (isDatabaseUnavailable(err))
      throw camaraError(
        'UNAVAILABLE',
        'Token use cannot be checked right now; try again shortly.',
        {
          cause: err,
        },
      );
    throw err;
  });
  // NV 2.1 Generic401: a used-up token needs a new authentication, like an expired one.
  if (!fresh) throw camaraError('UNAUTHENTICATED');
  ctx.spentJti = claims.jti;
}
