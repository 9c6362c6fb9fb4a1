/**
 * What oidc-provider does not do for CIBA poll mode (CIBA Core §7.3, §11; CAMARA ICM
 * Appendix A "Token Error Response"): remember when a client last polled a request, so a
 * poll before `interval` has passed is `slow_down` (after which the client must wait 5 s
 * longer, for this and every later poll: RFC 8628 §3.5 as CIBA Core §11 adopts it), and
 * remember expired requests, which the provider's store drops, so polling one is
 * `expired_token` rather than `invalid_grant`.
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
  /** The wait between polls this client owes, in ms. */
  intervalMs: number;
}

/** How long an expired request is still answered with `expired_token`. */
const REMEMBER_EXPIRED_MS = 10 * 60_000;
const SLOW_DOWN_INCREMENT_MS = 5_000;

export function createPollLedger(
  intervalSeconds: number,
  now: () => number = Date.now,
): PollLedger {
  const entries = new Map<string, Entry>();
  return {
    open(id, clientId, expiresAt) {
      for (const [key, e] of entries)
        if (e.expiresAt + REMEMBER_EXPIRED_MS <= now()) entries.delete(key);
      entries.set(id, {
        clientId,
        expiresAt,
        lastPollAt: undefined,
        intervalMs: intervalSeconds * 1000,
      });
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
      if (last === undefined || at - last >= entry.intervalMs) return 'ok';
      entry.intervalMs += SLOW_DOWN_INCREMENT_MS;
      return 'slow_down';
    },
  };
}
