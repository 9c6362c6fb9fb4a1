import { camaraError, PHONE_NUMBER_PATTERN } from '@switchboard/camara';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { PortedNumber, RoutingConfig } from '../config.js';
import type { AccessTokenReader } from '../services/access-token-reader.js';
import { authenticateBearer } from '../services/bearer-access.js';

/** GSMA OPG.10 "Network Id API": `POST /network-id/v0/resolve-network-id`. */
export interface NetworkIdService {
  resolve(request: { accessToken: string | undefined }, body: () => unknown): Promise<NetworkId>;
}

export interface NetworkId {
  /** MCC-MNC of the network the number belongs to now (3GPP TS 23.003). */
  networkId: string;
}

export interface NetworkIdServiceDeps {
  readonly tokens: AccessTokenReader;
  readonly clock: Clock;
  readonly routing: RoutingConfig | undefined;
  readonly portedNumbers: ReadonlyArray<PortedNumber>;
}

const request = z.strictObject({
  phoneNumber: z.string().regex(PHONE_NUMBER_PATTERN, "must be E.164 with '+'"),
});

/**
 * The instance answers for the numbers of its own MSISDN prefixes: a ported one's new
 * network, else its own (`routing.network[0]`). Any other number is 404 NOT_FOUND. A
 * telco finder calls it with a two-legged (client credentials) token (OPG.10 "API End-points").
 */
export function createNetworkIdService(deps: NetworkIdServiceDeps): NetworkIdService {
  const ported = new Map(deps.portedNumbers.map((p) => [p.phoneNumber, p.networkId]));
  const prefixes = deps.routing?.msisdnPrefix ?? [];
  const own = deps.routing?.network[0];
  return {
    async resolve({ accessToken }, body) {
      const token = await authenticateBearer(deps, accessToken);
      if (token.accountId !== undefined)
        throw camaraError('PERMISSION_DENIED', 'Network Id needs a client-credentials token.');
      const parsed = request.safeParse(body());
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw camaraError(
          'INVALID_ARGUMENT',
          `${issue.path.join('.') || 'body'}: ${issue.message}`,
        );
      }
      const { phoneNumber } = parsed.data;
      const networkId = ported.get(phoneNumber) ?? (isOwn(phoneNumber) ? own : undefined);
      if (networkId === undefined)
        throw camaraError('NOT_FOUND', 'This operator does not hold the number.');
      return { networkId };
    },
  };
  function isOwn(phoneNumber: string): boolean {
    return prefixes.some((p) => phoneNumber.startsWith(p));
  }
}
