import { isE164, isPhoneNumber } from '@switchboard/camara';

// A routing prefix is the start of an E.164 number (ITU-T E.164 §6): at most 15 digits, the
// country code never starts with 0. Whole numbers follow the one rule of @switchboard/camara.

const ZERO = 0x30;
const PLUS = 0x2b;
const MAX_DIGITS = 15;

export class PrefixError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrefixError';
  }
}

/** True when text[from..] is 1..15 ASCII digits, the first one 1-9. */
function isPrefixDigits(text: string, from: number): boolean {
  const digits = text.length - from;
  if (digits < 1 || digits > MAX_DIGITS) return false;
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
  if (!isPrefixDigits(input, from)) {
    throw new PrefixError(
      `invalid MSISDN prefix '${input}': expected 1-15 digits, optionally after '+', not starting with 0`,
    );
  }
  return input.slice(from);
}

/** An E.164 number with its '+' (CAMARA NV 2.1) → its digits; anything else → undefined. */
export function parsePhoneNumber(input: string): string | undefined {
  return typeof input === 'string' && isE164(input) ? input.slice(1) : undefined;
}

/**
 * Digits of a phone number given as E.164 with or without its '+' (the NV 0.3.1 spelling), or
 * undefined.
 */
export function phoneNumberDigits(input: string): string | undefined {
  if (typeof input !== 'string' || !isPhoneNumber('v0', input)) return undefined;
  return input.charCodeAt(0) === PLUS ? input.slice(1) : input;
}
