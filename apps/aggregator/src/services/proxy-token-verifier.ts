import { decodeProtectedHeader } from 'jose';
import { camaraError } from '@switchboard/camara';
import {
  AccessTokenError,
  aggregatorTokenAudience,
  readAggregatorAccessToken,
} from '@switchboard/tokens';
import type { ProxyClaims, TokenVerifier } from '../proxy/proxy-context.js';
import type { KeyService } from './key-service.js';

const MESSAGES: Record<string, string> = {
  expired: 'The access token has expired',
};

/**
 * Seed Annex step 25: decrypt the AggregatorAccessToken, check it is ours and current, and
 * hand the proxy the routing and the operator token inside it. Every refusal is a CAMARA
 * 401 UNAUTHENTICATED; the reason never reaches the app beyond "expired".
 */
export function createProxyTokenVerifier(deps: {
  keys: Pick<KeyService, 'tokenKeyring'>;
  issuer: string;
}): TokenVerifier {
  const audience = aggregatorTokenAudience(deps.issuer);
  return {
    async verify(bearer) {
      let kid: string | undefined;
      try {
        const header = decodeProtectedHeader(bearer);
        kid = typeof header.kid === 'string' ? header.kid : undefined;
      } catch {
        throw camaraError('UNAUTHENTICATED');
      }
      const keyring = await deps.keys.tokenKeyring(kid);
      try {
        const claims = await readAggregatorAccessToken(bearer, {
          keyring,
          issuer: deps.issuer,
          audience,
        });
        return toProxyClaims(claims);
      } catch (e) {
        if (e instanceof AccessTokenError) throw camaraError('UNAUTHENTICATED', MESSAGES[e.reason]);
        throw e;
      }
    },
  };
}

function toProxyClaims(c: Awaited<ReturnType<typeof readAggregatorAccessToken>>): ProxyClaims {
  return {
    operatorAccessToken: c.operator_access_token,
    operatorId: c.operator_id,
    apiRoot: c.api_root,
    scope: c.scope.split(' ').filter(Boolean),
    clientId: c.client_id,
    jti: c.jti,
    exp: c.exp,
  };
}
