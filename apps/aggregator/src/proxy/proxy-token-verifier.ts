import { decodeProtectedHeader } from 'jose';
import { camaraError } from '@switchboard/camara';
import {
  AccessTokenError,
  aggregatorTokenAudience,
  readAggregatorAccessToken,
  toAccessGrant,
} from '@switchboard/tokens';
import type { ProxyClaims, TokenVerifier } from './proxy-context.js';
import type { KeyService } from '../keys/key-service.js';
import { createVerifiedTokenCache, type VerifiedToken } from './verified-token-cache.js';

const MESSAGES: Record<string, string> = {
  expired: 'The access token has expired',
};

/** Verified tokens remembered per process (a few MB at most). */
export const DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 10_000;

export interface ProxyTokenVerifierDeps {
  /** `cachedTokenKeyring`, when given, lets a cached token be verified without a promise. */
  readonly keys: Pick<KeyService, 'tokenKeyring'> & Partial<Pick<KeyService, 'cachedTokenKeyring'>>;
  readonly issuer: string;
  /** 0 turns the cache of verified tokens off. */
  readonly cacheSize?: number;
  readonly clock?: () => number;
}

/**
 * Seed Annex step 25: decrypt the AggregatorAccessToken, check it is ours and current, and
 * hand the proxy the routing and the operator token inside it. Every refusal is a CAMARA
 * 401 UNAUTHENTICATED; the reason never reaches the app beyond "expired".
 */
export function createProxyTokenVerifier(deps: ProxyTokenVerifierDeps): TokenVerifier {
  const audience = aggregatorTokenAudience(deps.issuer);
  const now = deps.clock ?? Date.now;
  const cacheSize = deps.cacheSize ?? DEFAULT_VERIFIED_TOKEN_CACHE_SIZE;
  const cache = cacheSize > 0 ? createVerifiedTokenCache(cacheSize) : undefined;

  /**
   * The cached claims while still current and the key ring that verified them in force; else
   * verified afresh. One promise on a hit (the key ring's), no async frames around it.
   */
  function remembered(bearer: string, hit: VerifiedToken): Promise<ProxyClaims> {
    return deps.keys.tokenKeyring(hit.kid).then((ring) => {
      if (ring === hit.ring && hit.claims.exp * 1000 > now()) return hit.claims;
      cache?.delete(bearer);
      return verifyAfresh(bearer);
    });
  }

  async function verifyAfresh(bearer: string): Promise<ProxyClaims> {
    const verified = await decrypt(bearer);
    cache?.set(bearer, verified);
    return verified.claims;
  }

  async function decrypt(bearer: string): Promise<VerifiedToken> {
    let kid: string | undefined;
    try {
      const header = decodeProtectedHeader(bearer);
      kid = typeof header.kid === 'string' ? header.kid : undefined;
    } catch {
      throw camaraError('UNAUTHENTICATED');
    }
    const ring = await deps.keys.tokenKeyring(kid);
    try {
      const claims = await readAggregatorAccessToken(bearer, {
        keyring: ring,
        issuer: deps.issuer,
        audience,
        now: new Date(now()),
      });
      return { claims: toAccessGrant(claims), kid, ring };
    } catch (e) {
      if (e instanceof AccessTokenError) throw camaraError('UNAUTHENTICATED', MESSAGES[e.reason]);
      throw e;
    }
  }

  /** The cached claims when the key ring in force is known now and still the one. */
  function known(bearer: string): ProxyClaims | undefined {
    const hit = cache?.get(bearer);
    if (!hit) return undefined;
    const ring = deps.keys.cachedTokenKeyring?.(hit.kid);
    return ring === hit.ring && hit.claims.exp * 1000 > now() ? hit.claims : undefined;
  }

  return {
    known,
    verify(bearer) {
      const hit = cache?.get(bearer);
      return hit ? remembered(bearer, hit) : verifyAfresh(bearer);
    },
  };
}
