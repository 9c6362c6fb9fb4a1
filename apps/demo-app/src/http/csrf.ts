import { timingSafeEqual } from 'node:crypto';

/** The form's CSRF token is the session's (constant-time comparison). */
export function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
