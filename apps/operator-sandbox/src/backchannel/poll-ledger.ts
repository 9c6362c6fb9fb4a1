/**
 * What oidc-provider does not do for CIBA poll mode (CIBA Core §7.3, §11; CAMARA ICM
 * Appendix A "Token Error Response"): remember when a client last polled a request, so a
 * poll before `interval` has passed is `slow_down`, and remember expired requests, which
 * the provider's store drops, so polling one is `expired_token` rather than `invalid_grant`.
 */
export type PollVerdict = 'unknown' | 'expired' | 'slow_down' | 'ok';

export interface PollLedger {
  /** Records a new request (`expiresAt` in ms since the epoch). */
  open(id: string, clientId: string, expiresAt: number): void;
  /** Judges a poll by `clientId` now and records it. */
  poll(id: string, clientId: string): PollVerdict;
}

interface Entry {
  readonly clientId: string;
  readonly expiresAt: number;
  lastPollAt: number | undefined;
}

/** How long an expired request is still answered with `expired_token`. */
const REMEMBER_EXPIRED_MS = 10 * 60_000;

export function createPollLedger(
  intervalSeconds: number,
  now: () => number = Date.now,
): PollLedger {
  const entries = new Map<string, Entry>();
  return {
    open(id, clientId, expiresAt) {
      for (const [key, e] of entries)
        if (e.expiresAt + REMEMBER_EXPIRED_MS <= now()) entries.delete(key);
      entries.set(id, { clientId, expiresAt, lastPollAt: undefined });
    },
    poll(id, clientId) {
      const entry = entries.get(id);
      // Another client's request is none of this client's business: the provider says
      // invalid_grant, as for an unknown id.
      if (!entry || entry.clientId !== clientId) return 'unknown';
      const at = now();
      if (at >= entry.expiresAt) return 'expired';
      const last = entry.lastPollAt;
      entry.lastPollAt = at;
      return last !== undefined && at - last < intervalSeconds * 1000 ? 'slow_down' : 'ok';
    },
  };
}
