import { createHash } from 'node:crypto';

// CAMARA NV 2.1 phoneNumber: E.164 with the leading '+'.
const E164 = /^\+[1-9][0-9]{4,14}$/;

/** True for an E.164 number with its '+', as CAMARA NV 2.1 requires. */
export function isE164(phoneNumber: string): boolean {
  return E164.test(phoneNumber);
}

/** Strips spaces, dots, dashes and brackets people type: `+34 600-00 00 01` → `+34600000001`. */
export function normalisePhoneNumber(input: string): string {
  return input.replace(/[\s.\-()]/g, '');
}

/**
 * `hashedPhoneNumber` of CAMARA NV 2.1: SHA-256 hex of the E.164 number *with* '+', so the
 * number itself never travels to the API.
 */
export function hashPhoneNumber(phoneNumber: string): string {
  return createHash('sha256').update(phoneNumber, 'utf8').digest('hex');
}
