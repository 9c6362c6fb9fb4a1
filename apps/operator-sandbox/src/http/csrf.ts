import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

export const CSRF_COOKIE = 'sandbox_csrf';

/**
 * CSRF protection for the sandbox's HTML forms: a synchronizer token that is an HMAC of
 * the form's subject (interaction uid, subscriber) and a random per-browser cookie nonce,
 * so a token neither works in another browser nor for another subject.
 */
export interface Csrf {
  /** The token for `subject`, setting the browser nonce cookie when missing. */
  issue(req: Request, res: Response, subject: string): string;
  verify(req: Request, subject: string, token: unknown): boolean;
}

export function createCsrf(secret: string): Csrf {
  const tokenFor = (subject: string, nonce: string) =>
    createHmac('sha256', secret).update(`csrf\n${subject}\n${nonce}`).digest('base64url');
  return {
    issue(req, res, subject) {
      let nonce = cookieValue(req, CSRF_COOKIE);
      if (!nonce) {
        nonce = randomBytes(18).toString('base64url');
        res.cookie(CSRF_COOKIE, nonce, { httpOnly: true, sameSite: 'strict', path: '/' });
      }
      return tokenFor(subject, nonce);
    },
    verify(req, subject, token) {
      const nonce = cookieValue(req, CSRF_COOKIE);
      if (!nonce || typeof token !== 'string') return false;
      const expected = Buffer.from(tokenFor(subject, nonce));
      const given = Buffer.from(token);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=') || undefined;
  }
  return undefined;
}
