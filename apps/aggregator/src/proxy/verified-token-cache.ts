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
  // Keyed by a number computed from the token's last characters, each slot holding the
  // whole token, compared in full: a Map keyed by the string itself hashed all ~700
  // characters of the token on every call (each request's header is a new string), about
  // 1.5 µs, the largest single cost of ours in the proxy's profile. Two tokens with the
  // same key share one slot, the later replacing the earlier: a miss, never a wrong hit.
  const entries = new Map<number, Slot>();
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
      const slot = entries.get(keyOf(token));
      if (slot?.token !== token) return undefined;
      slot.used = true;
      return slot.verified;
    },
    set(token, verified) {
      const key = keyOf(token);
      const known = entries.get(key);
      if (known) {
        known.token = token;
        known.verified = verified;
        known.used = true;
        return;
      }
      if (slots.length < maxEntries) {
        const slot = { token, verified, used: false };
        slots.push(slot);
        entries.set(key, slot);
        return;
      }
      const slot = victim();
      const old = keyOf(slot.token);
      if (entries.get(old) === slot) entries.delete(old);
      slot.token = token;
      slot.verified = verified;
      slot.used = false;
      entries.set(key, slot);
    },
    delete(token) {
      const key = keyOf(token);
      const slot = entries.get(key);
      if (slot?.token !== token) return;
      // The slot stays in the ring, unreachable, until the hand reuses it first.
      entries.delete(key);
      slot.used = false;
      slot.token = '';
    },
  };
}

/** Characters of the token's end that make its key: a JWE's last part is its random tag. */
const KEY_CHARS = 24;

/** A 30-bit key (a small integer to V8): FNV-1a over the length and the last characters. */
function keyOf(token: string): number {
  let h = 0x811c9dc5 ^ token.length;
  for (let i = Math.max(0, token.length - KEY_CHARS); i < token.length; i++) {
    h = Math.imul(h ^ token.charCodeAt(i), 0x01000193);
  }
  return h & 0x3fffffff;
}
