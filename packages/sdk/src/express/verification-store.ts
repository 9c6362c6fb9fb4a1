import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { SavedVerification } from '../switchboard-client.js';

/** What the routes keep between the start and the callback of one verification. */
export interface PendingVerification {
  readonly saved: SavedVerification;
  /** The number the user typed, verified on the callback when present. */
  readonly phoneNumber?: string | undefined;
}

/**
 * Where the routes keep a pending verification: the app's own session (implement this
 * over it) or `createMemoryVerificationStore()` for a single process.
 */
export interface VerificationStore {
  save(req: Request, res: Response, pending: PendingVerification): void | Promise<void>;
  /** Returns and forgets it, so a callback URL cannot be replayed. */
  take(
    req: Request,
    res: Response,
  ): PendingVerification | undefined | Promise<PendingVerification | undefined>;
}

export interface MemoryVerificationStoreOptions {
  /** Default `sb_verification`. */
  readonly cookieName?: string;
  /** How long a user may take at the provider; default 10 minutes. */
  readonly ttlMs?: number;
  /** Set the cookie's `Secure` flag; default true (turn off for http:// development only). */
  readonly secureCookie?: boolean;
  readonly now?: () => number;
}

/**
 * An in-memory store keyed by a random HttpOnly cookie. One process only: behind a load
 * balancer, implement `VerificationStore` over the app's shared session store instead.
 */
export function createMemoryVerificationStore(
  options: MemoryVerificationStoreOptions = {},
): VerificationStore {
  const cookieName = options.cookieName ?? 'sb_verification';
  const ttlMs = options.ttlMs ?? 600_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { pending: PendingVerification; expires: number }>();
  const sweep = () => {
    for (const [id, entry] of entries) if (entry.expires <= now()) entries.delete(id);
  };
  return {
    save(_req, res, pending) {
      sweep();
      const id = randomBytes(24).toString('base64url');
      entries.set(id, { pending, expires: now() + ttlMs });
      // SameSite=Lax: the callback is a top-level navigation back from the provider.
      res.cookie(cookieName, id, {
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookie ?? true,
        maxAge: ttlMs,
        path: '/',
      });
    },
    take(req, res) {
      const id = readCookie(req.headers.cookie, cookieName);
      res.clearCookie(cookieName, { path: '/' });
      const entry = id === undefined ? undefined : entries.get(id);
      if (id !== undefined) entries.delete(id);
      return entry && entry.expires > now() ? entry.pending : undefined;
    },
  };
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
