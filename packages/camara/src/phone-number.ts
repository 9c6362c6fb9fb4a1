import { createHash, timingSafeEqual } from 'node:crypto';
import type { NvApiVersion } from './scopes.js';

/** NV 2.1 `PhoneNumber`: E.164 prefixed with '+'. */
export const PHONE_NUMBER_PATTERN = /^\+[1-9][0-9]{4,14}$/;

/**
 * NV 0.3.1 `phoneNumber`: "E.164 format (starting with country code). Optionally prefixed
 * with '+'". That spec gives no regex; we enforce the same E.164 digits as NV 2.1 with the
 * '+' optional.
 */
export const PHONE_NUMBER_PATTERN_V0 = /^\+?[1-9][0-9]{4,14}$/;

/** NV 2.1 / 0.3.1 `hashedPhoneNumber`: SHA-256 in hexadecimal. */
export const HASHED_PHONE_NUMBER_PATTERN = /^[a-fA-F0-9]{64}$/;

export function isPhoneNumber(version: NvApiVersion, value: string): boolean {
  return (version === 'v2' ? PHONE_NUMBER_PATTERN : PHONE_NUMBER_PATTERN_V0).test(value);
}

export function isHashedPhoneNumber(value: string): boolean {
  return HASHED_PHONE_NUMBER_PATTERN.test(value);
}

/** '+'-prefixed E.164 from an NV 0.3.1 number that may lack the '+'. */
export function toE164(value: string): string {
  return value.startsWith('+') ? value : `+${value}`;
}

/** SHA-256 hex (lowercase) of the exact string given; NV 2.1 hashes E.164 *with* '+'. */
export function hashPhoneNumber(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export type VerifyRequest = { phoneNumber: string } | { hashedPhoneNumber: string };

/**
 * Whether a validated verify request names the device's number (`msisdn`, '+'-prefixed
 * E.164). NV 0.3.1 allows the number, and the hashed input, with or without '+'.
 */
export function matchesDevicePhoneNumber(
  version: NvApiVersion,
  request: VerifyRequest,
  msisdn: string,
): boolean {
  if ('phoneNumber' in request) {
    const given = version === 'v0' ? toE164(request.phoneNumber) : request.phoneNumber;
    return given === msisdn;
  }
  const candidates = version === 'v0' ? [msisdn, msisdn.slice(1)] : [msisdn];
  const given = Buffer.from(request.hashedPhoneNumber.toLowerCase(), 'utf8');
  return candidates.some((c) => timingSafeEqual(Buffer.from(hashPhoneNumber(c), 'utf8'), given));
}
