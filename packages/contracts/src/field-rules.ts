import { z } from 'zod';

/**
 * Control characters (C0, DEL, C1) garble logs and terminals, and PostgreSQL `text` refuses
 * U+0000 outright; no name, identifier or URL Switchboard stores may contain one.
 */
const CONTROL_CHARACTER = /\p{Cc}/u;
export const hasNoControlCharacters = (value: string) => !CONTROL_CHARACTER.test(value);

/** The same for every string inside a JSON value (a JWK's `kid`, say, before it goes to jsonb). */
export function jsonHasNoControlCharacters(value: unknown): boolean {
  if (typeof value === 'string') return hasNoControlCharacters(value);
  if (Array.isArray(value)) return value.every(jsonHasNoControlCharacters);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).every(
      ([k, v]) => hasNoControlCharacters(k) && jsonHasNoControlCharacters(v),
    );
  return true;
}

export const NO_CONTROL_CHARACTERS = 'must not contain control characters';

/** A display name: one line of text, trimmed, 1–200 characters. */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine(hasNoControlCharacters, NO_CONTROL_CHARACTERS);

/** An operator's id: lower-case letters, digits and dashes, 2–63 characters. */
export const OPERATOR_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

// An OIDC issuer has no query or fragment (OIDC Discovery §4), and the proxy appends paths
// to the api root, so one with either would be accepted here and then never route.
export const endpointUrlSchema = z
  .string()
  .max(2048)
  .refine(hasNoControlCharacters, NO_CONTROL_CHARACTERS)
  .refine(isHttpUrl, { message: 'must be an http(s) URL' })
  .refine((v) => !/[?#]/.test(v), { message: 'must not have a query or fragment' });

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** A request body that is not a JSON object (an array, a string, nothing). */
export const JSON_OBJECT = { error: 'send a JSON object' };

/** The operator a body acts on: named, never empty. */
export const requiredOperatorIdSchema = z
  .string({ error: 'operatorId is required' })
  .min(1, { error: 'operatorId is required' });
