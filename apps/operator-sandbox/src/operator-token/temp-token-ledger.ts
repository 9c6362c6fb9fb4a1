import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';

/** What redeeming a temp_token gave: the line it is bound to, or why not. */
export type Redemption =
  | { readonly ok: true; readonly msisdn: string }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'used' };

/**
 * The Entitlement Configuration Server's `{temp_token → MSISDN}` binding (GSMA TS.43 §2.8.6;
 * guide §5.3 "GetPhoneNumber(temp_token)"), in memory like the rest of the sandbox's OIDC state.
 */
export interface TempTokenLedger {
  issue(msisdn: string): { readonly token: string; readonly expiresIn: number };
  /** A token works once and only before it expires (ICM "JWT Bearer Flow with Operator Token"). */
  redeem(token: string): Redemption;
}

/** Beyond this many remembered tokens the oldest are forgotten (memory stays bounded). */
const MAX_TOKENS = 100_000;

/**
 * Expired and used tokens are remembered for one more lifetime, so a late or repeated
 * presentation is told "expired" / "already used"; after that it is "unknown".
 */
export function createTempTokenLedger(deps: {
  readonly ttlSeconds: number;
  readonly clock: Clock;
  /** Default 100,000. */
  readonly maxTokens?: number;
}): TempTokenLedger {
  const maxTokens = deps.maxTokens ?? MAX_TOKENS;
  const tokens = new Map<string, { msisdn: string; expiresAt: number; used: boolean }>();
  const ttlMs = deps.ttlSeconds * 1000;
  // Tokens are kept in issue order, so the forgettable ones are at the front: a sweep costs
  // only what it removes (the bench issues thousands a second).
  const sweep = (now: number) => {
    for (const [token, entry] of tokens) {
      if (entry.expiresAt + ttlMs > now) break;
      tokens.delete(token);
    }
  };
  const makeRoom = () => {
    for (const token of tokens.keys()) {
      if (tokens.size < maxTokens) break;
      tokens.delete(token);
    }
  };
  return {
    issue(msisdn) {
      const now = deps.clock.now();
      sweep(now);
      makeRoom();
      const token = randomBytes(32).toString('base64url');
      tokens.set(token, { msisdn, expiresAt: now + ttlMs, used: false });
      return { token, expiresIn: deps.ttlSeconds };
    },
    redeem(token) {
      const now = deps.clock.now();
      sweep(now);
      const entry = tokens.get(token);
      if (!entry) return { ok: false, reason: 'unknown' };
      if (entry.used) return { ok: false, reason: 'used' };
      if (entry.expiresAt <= now) return { ok: false, reason: 'expired' };
      entry.used = true;
      return { ok: true, msisdn: entry.msisdn };
    },
  };
}
