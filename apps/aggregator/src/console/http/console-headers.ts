import type { RequestHandler } from 'express';

/**
 * The console's policy (docs/console.md): its own bundle only — no inline script or style, no
 * other origin, never framed. Stricter than the admin listener's default in one way (no
 * form-action elsewhere) and looser in what a React app needs (its own styles and data: images).
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Set on every console answer; the bundle's assets may be revalidated rather than not stored. */
export const consoleHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('content-security-policy', CONSOLE_CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cache-control', 'no-store');
  next();
};
