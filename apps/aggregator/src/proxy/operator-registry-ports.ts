import { offersApi } from '@switchboard/camara';
import type { RoutingIndex } from '@switchboard/telco-finder';
import type { OperatorEgress } from '../infra/egress/operator-egress.js';
import type { PublicProxyPorts } from './create-public-proxy.js';

/**
 * What the proxy asks about the token's operator, answered from the in-memory routing index
 * (no I/O per call): only registered api roots are contacted, never one merely carried by a
 * token; an API the operator does not offer (supportedApis) is never forwarded; and the
 * connections to its api root pass the operator's egress and its address guard.
 */
export function operatorRegistryPorts(
  index: Pick<RoutingIndex, 'operator'>,
  egress: Pick<OperatorEgress, 'proxyConnection'>,
): Pick<PublicProxyPorts, 'isRegisteredApiRoot' | 'offersApi' | 'connections'> {
  return {
    isRegisteredApiRoot: (operatorId, apiRoot) => index.operator(operatorId)?.apiRoot === apiRoot,
    offersApi: (operatorId, api, version) =>
      offersApi(index.operator(operatorId)?.supportedApis ?? [], api, version),
    connections: (operatorId, connectTimeoutMs) => {
      const op = index.operator(operatorId);
      return op && egress.proxyConnection(op, connectTimeoutMs);
    },
  };
}
