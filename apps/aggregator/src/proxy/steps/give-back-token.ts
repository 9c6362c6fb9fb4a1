import type { ProxyContext } from '../proxy-context.js';

/**
 * The operator gave no answer (open circuit, connection refused or dropped, timeout, or an
 * answer we could not pass on): the app gets our 502/503/504 and its single-use token back,
 * since CAMARA NV 2.1 spends a token on an API call and this one produced no result. A token
 * that cannot be given back (database down) stays spent: fail closed.
 */
export function giveBackToken(ctx: ProxyContext): Promise<void> | undefined {
  const jti = ctx.spentJti;
  const store = ctx.deps.jtiStore;
  if (!ctx.unanswered || jti === undefined || !store) return undefined;
  ctx.spentJti = undefined;
  return store.giveBack(jti).catch(() => undefined);
}
