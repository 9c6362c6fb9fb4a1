// E.164 (ITU-T E.164 §6): at most 15 digits, the country code never starts with 0.
// CAMARA NV 2.1 phoneNumber: '^\+[1-9][0-9]{4,14}$'.

const ZERO = 0x30;
const PLUS = 0x2b;
const MAX_DIGITS = 15;

export class PrefixError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrefixError';
  }
}

/** True when text[from..] is `min`..15 ASCII digits, the first one 1-9. */
function isE164Digits(text: string, from: number, min: number): boolean {
  const digits = text.length - from;
  if (digits < min || digits > MAX_DIGITS) return false;
  if (text.charCodeAt(from) === ZERO) return false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i) - ZERO;
    if (c < 0 || c > 9) return false;
  }
  return true;
}

/** Canonical MSISDN routing prefix: '+346' or '346' → '346'. Throws PrefixError otherwise. */
export function parseMsisdnPrefix(input: string): string {
  if (typeof input !== 'string') {
    throw new PrefixError('invalid MSISDN prefix: expected a string of digits');
  }
  const from = input.charCodeAt(0) === PLUS ? 1 : 0;
  if (!isE164Digits(input, from, 1)) {
    throw new PrefixError(
      `invalid MSISDN prefix '${input}': expected 1-15 digits, optionally after '+', not starting with 0`,
    );
  }
  return input.slice(from);
}

/** E.164 '+[1-9][0-9]{4,14}' → its digits; anything else → undefined. */
export function parsePhoneNumber(input: string): string | undefined {
  if (typeof input !== 'string' || input.charCodeAt(0) !== PLUS) return undefined;
  return isE164Digits(input, 1, 5) ? input.slice(1) : undefined;
}

/** Digits of a phone number given as E.164 with '+' or as bare digits (5-15), or undefined. */
export function phoneNumberDigits(input: string): string | undefined {
  if (typeof input !== 'string') return undefined;
  if (input.charCodeAt(0) === PLUS) return parsePhoneNumber(input);
  return isE164Digits(input, 0, 5) ? input : undefined;
}
