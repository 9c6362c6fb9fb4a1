import type { TLSSocket } from 'node:tls';
import type { Request, Response } from 'express';
import { SESSION_MAX_MS, type ConsoleSession } from '../console-sessions.js';

export const SESSION_COOKIE = 'sb_console';
const COOKIE_PATH = '/console';

/** The session cookie's value, if the request carries one. */
export function sessionIdOf(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Path=/console;
 * Secure when the admin listener is reached over TLS — plain http://127.0.0.1 otherwise.
 */
export function setSessionCookie(req: Request, res: Response, session: ConsoleSession): void {
  res.cookie(SESSION_COOKIE, session.id, {
    httpOnly: true,
    sameSite: 'strict',
    path: COOKIE_PATH,
    maxAge: SESSION_MAX_MS,
    secure: !!(req.socket as TLSSocket).encrypted,
  });
}

export function clearSessionCookie(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: COOKIE_PATH });
}
