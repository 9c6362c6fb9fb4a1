import { camaraError } from '@switchboard/camara';
import { requireValue, type ProxyContext } from '../proxy-context.js';

/**
 * An API the token's operator does not offer (its `supportedApis`) is answered here, without
 * calling the operator: CAMARA Commonalities `422 SERVICE_NOT_APPLICABLE`. Before the token is
 * spent, so the app may use it for an API the operator does offer.
 */
export function checkOperatorOffers(ctx: ProxyContext): void {
  const offers = ctx.deps.offersApi;
  if (!offers) return;
  const { operatorId } = requireValue(ctx.claims, 'claims');
  const { api, version } = requireValue(ctx.operation, 'operation');
  if (!offers(operatorId, api, version))
    throw camaraError(
      'SERVICE_NOT_APPLICABLE',
      `The ${api} API (${version}) is not available for this subscriber's network.`,
    );
}
