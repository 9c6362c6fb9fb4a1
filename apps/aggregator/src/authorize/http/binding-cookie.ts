import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { CookieOptions, Request, Response } from 'express';
import type { BrowserBinding, PresentedBinding } from '../flow/nested-flow.js';

/**
 * The cookie binding an operator round-trip to the browser that started it (RFC 6749 §10.12,
 * RFC 9700 §4.7). One cookie per interaction, named after it, so two flows in one browser
 * (two tabs, two apps) keep their own bindings without a read-modify-write of a shared
 * cookie, and reloading the interaction overwrites its cookie instead of adding one.
 * Sent only to the callback (`Path`), and on the operator's top-level redirect (`Lax`).
 */
export interface BindingCookies {
  /** On /auth's answer, which oidc-provider (not express) writes. */
  set(res: ServerResponse, binding: BrowserBinding): void;
  presented(req: Request): PresentedBinding;
  clear(res: Response, interactionUid: string): void;
}

export function createBindingCookies(callbackPath: string, publicUrl: string): BindingCookies {
  const secure = new URL(publicUrl).protocol === 'https:';
  // `__Secure-`: over https, a cookie of this name cannot be planted from plain http.
  const prefix = secure ? '__Secure-sb_op_' : 'sb_op_';
  const name = (interactionUid: string) =>
    `${prefix}${createHash('sha256').update(interactionUid).digest('base64url').slice(0, 22)}`;
  const options: CookieOptions = { httpOnly: true, sameSite: 'lax', secure, path: callbackPath };
  return {
    set(res, binding) {
      // The value is base64url: nothing to encode. Expires beside Max-Age, as express writes it.
      const expires = new Date(Date.now() + binding.maxAgeSeconds * 1000).toUTCString();
      const line =
        `${name(binding.interactionUid)}=${binding.value}; Max-Age=${binding.maxAgeSeconds}; ` +
        `Path=${callbackPath}; Expires=${expires}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
      const before = res.getHeader('set-cookie');
      const lines = Array.isArray(before) ? before : before === undefined ? [] : [String(before)];
      res.setHeader('set-cookie', [...lines, line]);
    },
    presented: (req) => (interactionUid) => cookieValue(req.headers.cookie, name(interactionUid)),
    clear(res, interactionUid) {
      res.clearCookie(name(interactionUid), options);
    },
  };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
