import { ipportAddress } from '../flow/login-hint.js';
import type { NestedFlow } from '../flow/nested-flow.js';
import type { StartInteraction } from '../oidc/interaction-gateway.js';
import type { BindingCookies } from './binding-cookie.js';
import { requestDeviceIp, type DeviceIpResolver } from '../../infra/http/device-ip.js';
import type { RateLimits } from '../../infra/rate-limit/rate-limits.js';

export interface OperatorLegStartDeps {
  readonly flow: NestedFlow;
  readonly bindings: BindingCookies;
  readonly deviceIp: DeviceIpResolver;
  readonly limits: RateLimits;
}

/**
 * oidc-provider's `interactions.url` (create-oidc-provider.ts): /auth starts the operator
 * round-trip itself (Annex steps 3–6) and sends the browser straight to the operator, instead
 * of to an interaction page of ours that would only redirect again (docs/adr/0006). The device
 * is the one that sent /auth, or the `ipport:` login hint of a signed request object.
 */
export function createOperatorLegStart(deps: OperatorLegStartDeps): StartInteraction {
  return async ({ req, res, pending, returnTo }) => {
    const source = requestDeviceIp(deps.deviceIp, req);
    // Each operator flow is a database row and a request to the operator: per device address.
    const decision = deps.limits.check('interaction', { ip: source });
    if (!decision.allowed) return { refused: { retryAfterSeconds: decision.retryAfterSeconds } };
    const hinted = pending.loginHintSigned ? ipportAddress(pending.loginHint) : undefined;
    const { url, binding } = await deps.flow.start(pending, hinted ?? source);
    if (binding) deps.bindings.set(res, binding);
    // No url: the interaction vanished under us; its resume URL tells the browser so.
    return { url: url ?? returnTo };
  };
}
