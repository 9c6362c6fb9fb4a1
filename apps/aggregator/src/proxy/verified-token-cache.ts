import type { TokenKeyring } from '@switchboard/tokens';
import type { ProxyClaims } from './proxy-context.js';

/** A token that decrypted and validated under `ring`, with the `kid` it named. */
export interface VerifiedToken {
  readonly claims: ProxyClaims;
  readonly kid: string | undefined;
  readonly ring: TokenKeyring;
}

export interface VerifiedTokenCache {
  get(token: string): VerifiedToken | undefined;
  set(token: string, verified: VerifiedToken): void;
  delete(token: string): void;
}

/**
 * A bounded LRU of verified tokens keyed by the whole token string: an app calls the proxy
 * with the same token several times in its ≤ 300 s life, and decrypting it again each time
 * was the proxy's largest cost. Only an identical string can hit; the verifier re-checks
 * `exp` and that the key ring is still the one that verified it (a retired key → new ring).
 * Only verified tokens are set, and readAggregatorAccessToken verifies only the canonical
 * base64url spelling (RFC 4648 §3.5), so one token is at most one entry.
 */
export function createVerifiedTokenCache(maxEntries: number): VerifiedTokenCache {
  const entries = new Map<string, VerifiedToken>();
  return {
    get(token) {
      const hit = entries.get(token);
      if (hit) {
        // Most recently used last: Map keeps insertion order.
        entries.delete(token);
        entries.set(token, hit);
      }
      return hit;
    },
    set(token, verified) {
      entries.delete(token);
      entries.set(token, verified);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    delete: (token) => void entries.delete(token),
  };
}
