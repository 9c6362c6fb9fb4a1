import { z } from 'zod';
import { hasNoControlCharacters, NO_CONTROL_CHARACTERS } from './field-rules.js';

// CAMARA NumberVerification, documentation/SupportingDocuments/"CAMARA Number Verification —
// Operator Token Acquisition.md": the handset reports its SIMs' Android carrier ids
// (`carrier_ids`, later `android_carrier_hint`), and the Telephony Binding JWT's `aud` names
// the calling app, a web origin or `android:apk-key-hash:<base64url SHA-256>`.

/** Android carrier ids are positive 32-bit integers. */
export const MAX_CARRIER_ID = 2 ** 31 - 1;
export const MAX_CARRIER_IDS = 64;
export const MAX_ALLOWED_ORIGINS = 20;
export const MAX_APK_KEY_HASHES = 20;

export const OPERATOR_TOKEN_NEEDS_CARRIER_IDS =
  'an operator offering operator tokens needs at least one Android carrier id';

/** One Android carrier id (`android_carrier_hint`, the handset's `carrier_ids`). */
export const carrierIdSchema = z
  .number({ error: 'must be an Android carrier id (a positive integer)' })
  .int('must be an Android carrier id (a positive integer)')
  .min(1, 'must be an Android carrier id (a positive integer)')
  .max(MAX_CARRIER_ID, `must be an Android carrier id, at most ${MAX_CARRIER_ID}`);

/** The Android carrier ids an operator's SIMs report: each once, at most 64. */
export const carrierIdsSchema = z
  .array(carrierIdSchema)
  .max(MAX_CARRIER_IDS, `at most ${MAX_CARRIER_IDS} carrier ids`)
  .superRefine((ids, ctx) => refuseDuplicates(ids, ctx, 'carrier id'));

/**
 * A web origin as browsers send it (RFC 6454 §6.1): `scheme://host[:port]`, https, or http on
 * the loopback only; stored in the serialised form (lower case, no default port).
 */
export const originSchema = z
  .string()
  .max(2048)
  .refine(hasNoControlCharacters, NO_CONTROL_CHARACTERS)
  .refine((v) => /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]+$/.test(v), {
    message: 'must be an origin scheme://host[:port], without path, query or fragment',
  })
  .refine((v) => originOf(v) !== undefined, {
    message:
      'must be an https origin (http only for localhost, 127.0.0.1 or [::1]) without user info',
  })
  .transform((v) => originOf(v)!);

/** The web origins a Telephony Binding JWT `aud` may name for this app: each once, at most 20. */
export const allowedOriginsSchema = z
  .array(originSchema)
  .max(MAX_ALLOWED_ORIGINS, `at most ${MAX_ALLOWED_ORIGINS} origins`)
  .superRefine((origins, ctx) => refuseDuplicates(origins, ctx, 'origin'));

/**
 * An Android app's signing-key hash: base64url (no padding) of a SHA-256 digest, 43 characters;
 * the last one carries 4 bits and 2 zero bits, so its value is a multiple of 4.
 */
export const apkKeyHashSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/,
    'must be the base64url (unpadded) SHA-256 of the APK signing key: 43 characters',
  );

/** The APK key hashes (`android:apk-key-hash:<h>`) a Binding JWT `aud` may name: each once, at most 20. */
export const apkKeyHashesSchema = z
  .array(apkKeyHashSchema)
  .max(MAX_APK_KEY_HASHES, `at most ${MAX_APK_KEY_HASHES} APK key hashes`)
  .superRefine((hashes, ctx) => refuseDuplicates(hashes, ctx, 'APK key hash'));

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

function originOf(value: string): string | undefined {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return undefined;
  }
  if (u.username || u.password) return undefined;
  if (u.protocol === 'https:') return u.origin;
  if (u.protocol === 'http:' && LOOPBACK_HOSTS.includes(u.hostname)) return u.origin;
  return undefined;
}

function refuseDuplicates<T>(values: readonly T[], ctx: z.RefinementCtx, what: string): void {
  const seen = new Set<T>();
  values.forEach((v, i) => {
    if (seen.has(v))
      ctx.addIssue({ code: 'custom', path: [i], message: `${what} ${String(v)} is listed twice` });
    seen.add(v);
  });
}
