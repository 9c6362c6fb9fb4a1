import type { Attributes } from '@opentelemetry/api';

/**
 * Every span attribute passes here: only these keys, and never a value that looks like a
 * phone number, a device address or a token (docs/observability.md, "What a span never
 * holds"). An x-correlator is the app's free text, so it is checked like any other value.
 */
export const SPAN_ATTRIBUTE_KEYS = new Set([
  'switchboard.verification_id',
  'switchboard.step',
  'switchboard.outcome',
  'switchboard.error',
  'switchboard.client_id',
  'switchboard.operator_id',
  'camara.api',
  'camara.api_version',
  'camara.operation',
  'camara.x_correlator',
  'http.request.method',
  'http.response.status_code',
]);

export const REDACTED = '[redacted]';

const PHONE = /\+?\d[\d\s().-]{6,}\d/;
const IPV4 = /\b\d{1,3}(\.\d{1,3}){3}\b/;
const IPV6 = /[0-9a-f]{0,4}:[0-9a-f]{0,4}:[0-9a-f:]*/i;
// A JWS/JWE (base64url JSON header) or any dotted compact serialisation.
const TOKEN = /eyJ[\w-]{8,}|[\w-]{16,}\.[\w-]{16,}\.[\w-]*/;
const MAX_LENGTH = 256;

/** A value that may be shown: short, and nothing shaped like an MSISDN, IP or token. */
export function isSafeValue(value: string): boolean {
  return (
    value.length <= MAX_LENGTH &&
    !PHONE.test(value) &&
    !IPV4.test(value) &&
    !IPV6.test(value) &&
    !TOKEN.test(value)
  );
}

/** The allowed attributes of `input`; unsafe string values become `[redacted]`. */
export function guardAttributes(
  input: Readonly<Record<string, string | number | undefined>>,
): Attributes {
  const out: Attributes = {};
  for (const key in input) {
    const value = input[key];
    if (value === undefined || !SPAN_ATTRIBUTE_KEYS.has(key)) continue;
    out[key] = typeof value === 'string' && !isSafeValue(value) ? REDACTED : value;
  }
  return out;
}
