import type { ProxyContext } from '../proxy-context.js';

/** Which configured API, version and operation this is (404 / 405 otherwise). */
export function matchOperation(ctx: ProxyContext): void {
  ctx.operation = ctx.deps.catalog.resolveOperation(ctx.request.method, ctx.request.path);
}
