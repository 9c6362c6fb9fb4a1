import { X_CORRELATOR_HEADER, newCorrelator, validateCorrelator } from '@switchboard/camara';
import type { ProxyContext } from '../proxy-context.js';

/**
 * CAMARA Commonalities: `x-correlator` is echoed; when absent we create one so the
 * operator's logs and ours share it. Runs first, so even auth errors echo a valid one.
 */
export function checkCorrelator(ctx: ProxyContext): void {
  const given = validateCorrelator(ctx.request.headers[X_CORRELATOR_HEADER]);
  ctx.correlator = given === undefined || given === '' ? newCorrelator() : given;
}
