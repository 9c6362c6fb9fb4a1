import { camaraError } from './camara-error.js';
import { isHashedPhoneNumber, isPhoneNumber, type VerifyRequest } from './phone-number.js';
import type { NvApiVersion } from './scopes.js';

const PROPERTIES = new Set(['phoneNumber', 'hashedPhoneNumber']);

/**
 * Validates a `POST /verify` body (NV 2.1 / 0.3.1 `NumberVerificationRequestBody`:
 * `minProperties: 1`, `maxProperties: 1`, one of `phoneNumber` | `hashedPhoneNumber`).
 * `undefined` means no body. Every failure is 400 INVALID_ARGUMENT; messages never echo
 * the submitted number.
 */
export function parseVerifyRequest(version: NvApiVersion, body: unknown): VerifyRequest {
  if (body === undefined || body === null) throw invalid('A request body is required.');
  if (typeof body !== 'object' || Array.isArray(body))
    throw invalid('The request body must be a JSON object.');
  const entries = Object.entries(body);
  if (entries.some(([key]) => !PROPERTIES.has(key))) {
    throw invalid('Only phoneNumber or hashedPhoneNumber may be provided.');
  }
  if (entries.length !== 1)
    throw invalid('Exactly one of phoneNumber or hashedPhoneNumber must be provided.');
  const [key, value] = entries[0]!;
  if (key === 'phoneNumber') return { phoneNumber: checkPhoneNumber(version, value) };
  return { hashedPhoneNumber: checkHashed(value) };
}

function checkPhoneNumber(version: NvApiVersion, value: unknown): string {
  if (typeof value !== 'string' || !isPhoneNumber(version, value)) {
    const format =
      version === 'v2' ? "E.164 prefixed with '+'" : "E.164, optionally prefixed with '+'";
    throw invalid(`phoneNumber must be ${format}.`);
  }
  return value;
}

function checkHashed(value: unknown): string {
  if (typeof value !== 'string' || !isHashedPhoneNumber(value)) {
    throw invalid('hashedPhoneNumber must be a SHA-256 hash in hexadecimal (64 characters).');
  }
  return value;
}

function invalid(message: string) {
  return camaraError('INVALID_ARGUMENT', message);
}
