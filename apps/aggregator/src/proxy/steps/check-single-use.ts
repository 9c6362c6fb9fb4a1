import { camaraError } from '@switchboard/camara';
import { requireValue, type ProxyContext } from '../proxy-context.js';

/**
 * CAMARA NV: access tokens may be single use (a setting). Runs after every check that
 * could refuse the request for a client mistake, so a typo does not burn the token.
 */
export async function checkSingleUse(ctx: ProxyContext): Promise<void> {
  if (!ctx.deps.singleUse) return;
  const claims = requireValue(ctx.claims, 'claims');
  const store = ctx.deps.jtiStore;
  if (!store) throw camaraError('INTERNAL', undefined, { cause: 'singleUse without jtiStore' });
  if (!(await store.consume(claims.jti, claims.exp))) {
    throw camaraError('UNAUTHENTICATED', 'The access token has already been used.');
  }
}
