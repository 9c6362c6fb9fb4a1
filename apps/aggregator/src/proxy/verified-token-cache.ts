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

interface Slot {
  token: string;
  verified: VerifiedToken;
  /** Set by every hit, cleared as the clock hand passes: a second chance before eviction. */
  used: boolean;
}

/**
 * A bounded cache of verified tokens keyed by the whole token string: an app calls the proxy
 * with the same token several times in its ≤ 300 s life, and decrypting it again each time
 * was the proxy's largest cost. Only an identical string can hit; the verifier re-checks
 * `exp` and that the key ring is still the one that verified it (a retired key → new ring).
 * Only verified tokens are set, and readAggregatorAccessToken verifies only the canonical
 * base64url spelling (RFC 4648 §3.5), so one token is at most one entry.
 * Eviction is CLOCK (second chance), an approximation of least-recently-used whose hit only
 * sets a flag: an LRU on a Map moves the entry (delete + set) on every hit of the hot path.
 */
export function createVerifiedTokenCache(maxEntries: number): VerifiedTokenCache {
  const entries = new Map<string, Slot>();
  const slots: Slot[] = [];
  let hand = 0;

  /** The slot the hand stops at: the first one not used since the hand last passed. */
  function victim(): Slot {
    for (;;) {
      const slot = slots[hand]!;
      hand = (hand + 1) % slots.length;
      if (!slot.used) return slot;
      slot.used = false;
    }
  }

  return {
    get(token) {
      const slot = entries.get(token);
      if (!slot) return undefined;
      slot.used = true;
      return slot.verified;
    },
    set(token, verified) {
      const known = entries.get(token);
      if (known) {
        known.verified = verified;
        known.used = true;
        return;
      }
      if (slots.length < maxEntries) {
        const slot = { token, verified, used: false };
        slots.push(slot);
        entries.set(token, slot);
        return;
      }
      const slot = victim();
      entries.delete(slot.token);
      slot.token = token;
      slot.verified = verified;
      slot.used = false;
      entries.set(token, slot);
    },
    delete(token) {
      const slot = entries.get(token);
      if (!slot) return;
      // The slot stays in the ring, unreachable, until the hand reuses it first.
      entries.delete(token);
      slot.used = false;
      slot.token = '';
    },
  };
}
