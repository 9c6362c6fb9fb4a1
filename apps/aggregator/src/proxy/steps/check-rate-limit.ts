import { headerValue, requireValue, type ProxyContext } from '../proxy-context.js';
import { tooManyRequests } from '../../infra/rate-limit/too-many-requests.js';

/**
 * Rate limits before any work: per source address first (before decrypting anything),
 * then per client once the token names it. Counting is local, so no database round trip.
 */
export function limitSource(ctx: ProxyContext): void {
  const { limits, sourceIp } = ctx.deps;
  if (!limits) return;
  const { remoteAddress, headers } = ctx.request;
  const ip = sourceIp
    ? sourceIp(remoteAddress, headerValue(headers, 'x-forwarded-for'))
    : remoteAddress;
  const decision = limits.check('proxy', { ip });
  if (!decision.allowed) throw tooManyRequests(decision, 'this address');
}

export function limitClient(ctx: ProxyContext): void {
  const { limits } = ctx.deps;
  if (!limits) return;
  const decision = limits.check('proxy', { clientId: requireValue(ctx.claims, 'claims').clientId });
  if (!decision.allowed) throw tooManyRequests(decision, 'this client');
}
