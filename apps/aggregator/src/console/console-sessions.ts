import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import type { AdminTokens } from '../admin/admin-tokens.js';
import {
  clearSignInFailures,
  consumeLoginCode,
  countSignInFailures,
  deleteSession,
  findSession,
  insertLoginCode,
  insertSession,
  pruneConsoleRows,
  recordSignInFailure,
  touchSession,
} from './store/console-session-store.js';

/** Session lifetimes of docs/console.md: 8 h without a request ends it, 24 h in all. */
export const SESSION_IDLE_MS = 8 * 3_600_000;
export const SESSION_MAX_MS = 24 * 3_600_000;
/** A one-time sign-in link is good for 5 minutes, once. */
export const LOGIN_CODE_TTL_MS = 5 * 60_000;
/** Failed token sign-ins from one address within the window before it is refused (429). */
export const SIGNIN_MAX_FAILURES = 5;
export const SIGNIN_WINDOW_MS = 15 * 60_000;
/** last_seen_at is written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

export interface ConsoleSession {
  /** The cookie's value: only its hash is stored. */
  readonly id: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export type SignInResult =
  | { readonly kind: 'ok'; readonly session: ConsoleSession }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'throttled'; readonly retryAfterSeconds: number };

export interface ConsoleSessions {
  /** Sign-in with the admin token; `source` is the peer address (throttling). */
  signIn(token: string, source: string): Promise<SignInResult>;
  /** A one-time sign-in code (the link `switchboard console` prints). */
  createLoginCode(): Promise<{ code: string; expiresAt: Date }>;
  /** Consumes the code: a new session, or undefined when the code is unknown, used or expired. */
  redeemLoginCode(code: string): Promise<ConsoleSession | undefined>;
  /** The session a cookie names, while it is alive. */
  resume(id: string): Promise<ConsoleSession | undefined>;
  end(id: string): Promise<void>;
  /** Constant-time check of a request's x-csrf-token against the session's. */
  csrfMatches(session: ConsoleSession, presented: string | undefined): boolean;
}

export interface ConsoleSessionsDeps {
  readonly knex: Knex;
  readonly adminTokens: AdminTokens;
  /** Injected so tests move time (expiry); Date.now by default. */
  readonly clock?: () => number;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const randomId = () => randomBytes(32).toString('base64url');
/** Derived from the session id, so it need not be stored and dies with the session. */
const csrfOf = (id: string) =>
  createHmac('sha256', id).update('sb_console csrf').digest('base64url');

export function createConsoleSessions(deps: ConsoleSessionsDeps): ConsoleSessions {
  const { knex } = deps;
  const now = () => new Date((deps.clock ?? Date.now)());

  async function open(): Promise<ConsoleSession> {
    const at = now();
    const id = randomId();
    const expiresAt = new Date(at.getTime() + SESSION_MAX_MS);
    await pruneConsoleRows(knex, at, new Date(at.getTime() - SIGNIN_WINDOW_MS));
    await insertSession(knex, sha256(id), at, expiresAt);
    return { id, csrfToken: csrfOf(id), expiresAt };
  }

  return {
    async signIn(token, source) {
      const at = now();
      const sourceHash = sha256(source);
      const since = new Date(at.getTime() - SIGNIN_WINDOW_MS);
      if ((await countSignInFailures(knex, sourceHash, since)) >= SIGNIN_MAX_FAILURES)
        return { kind: 'throttled', retryAfterSeconds: SIGNIN_WINDOW_MS / 1000 };
      if (!(await deps.adminTokens.verify(token))) {
        await recordSignInFailure(knex, sourceHash, at);
        return { kind: 'invalid' };
      }
      await clearSignInFailures(knex, sourceHash);
      return { kind: 'ok', session: await open() };
    },
    async createLoginCode() {
      const at = now();
      const code = randomId();
      const expiresAt = new Date(at.getTime() + LOGIN_CODE_TTL_MS);
      await insertLoginCode(knex, sha256(code), at, expiresAt);
      return { code, expiresAt };
    },
    async redeemLoginCode(code) {
      if (!(await consumeLoginCode(knex, sha256(code), now()))) return undefined;
      return open();
    },
    async resume(id) {
      const idHash = sha256(id);
      const row = await findSession(knex, idHash);
      if (!row) return undefined;
      const at = now();
      const idleEnd = row.lastSeenAt.getTime() + SESSION_IDLE_MS;
      if (at.getTime() >= Math.min(idleEnd, row.expiresAt.getTime())) {
        await deleteSession(knex, idHash);
        return undefined;
      }
      if (at.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS)
        await touchSession(knex, idHash, at);
      return { id, csrfToken: csrfOf(id), expiresAt: row.expiresAt };
    },
    end: (id) => deleteSession(knex, sha256(id)),
    csrfMatches(session, presented) {
      if (!presented) return false;
      const a = Buffer.from(session.csrfToken);
      const b = Buffer.from(presented);
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
}
