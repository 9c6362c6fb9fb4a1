import { createHash, timingSafeEqual } from 'node:crypto';
import type { NvApiVersion } from './scopes.js';

/**
 * The E.164 digits (ITU-T E.164 §6): a country code never starting with 0, at most 15 digits in
 * all; CAMARA NV 2.1 `PhoneNumber` asks for at least 5. Written out here only: every pattern
 * below and every package that takes a phone number use it.
 */
const E164_DIGITS = '[1-9][0-9]{4,14}';

/** NV 2.1 `PhoneNumber` (`^\+[1-9][0-9]{4,14}$`): E.164 prefixed with '+'. */
export const PHONE_NUMBER_PATTERN = new RegExp(`^\\+${E164_DIGITS}$`);

/**
 * NV 0.3.1 `phoneNumber`: "E.164 format (starting with country code). Optionally prefixed
 * with '+'". That spec gives no regex; we enforce the same E.164 digits as NV 2.1 with the
 * '+' optional.
 */
export const PHONE_NUMBER_PATTERN_V0 = new RegExp(`^\\+?${E164_DIGITS}$`);

/** NV 2.1 / 0.3.1 `hashedPhoneNumber`: SHA-256 in hexadecimal. */
export const HASHED_PHONE_NUMBER_PATTERN = /^[a-fA-F0-9]{64}$/;

/**
 * An E.164 number with its '+' (NV 2.1 `PhoneNumber`): the form Switchboard takes wherever a
 * phone number is given outside NV 0.3.1: admin lookups, the telco finder, the sandbox, the SDK.
 */
export function isE164(value: string): boolean {
  return PHONE_NUMBER_PATTERN.test(value);
}

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
