import { camaraError } from '@switchboard/camara';
import { isDatabaseUnavailable } from '@switchboard/db';
import { requireValue, type ProxyContext } from '../proxy-context.js';

/**
 * CAMARA NV 2.1: an access token serves a single API call (a setting here). The use is
 * recorded only now, after every check of ours (scope, body, route), just before the call
 * leaves: a call Switchboard refuses itself never spends the token. Synchronous when the
 * setting is off (no promise on the hot path).
 */
export function spendToken(ctx: ProxyContext): Promise<void> | undefined {
  return ctx.deps.singleUse ? consumeJti(ctx) : undefined;
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
  if (!fresh) {
    throw camaraError('UNAUTHENTICATED', 'The access token has already been used.');
  }
  ctx.spentJti = claims.jti;
}
